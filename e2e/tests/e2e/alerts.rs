//! The desk's system notifications (issue 14) in the real window: a
//! meeting about to start raises a notification through the desktop's
//! notification service, and a click on it opens the record. The service
//! is a stand-in owning `org.freedesktop.Notifications` on a session bus
//! of the test's own (so that no other test's app talks to it): it keeps
//! what Banco sent and answers a click the way a desktop does, with the
//! `ActionInvoked` signal. A click during a capture does not throw the
//! capture away: the top bar offers the record instead.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use banco::model::{CaptureLead, ConsentChoices, EntityType, NewMeeting};
use banco::services::{capture, context::Ctx, meetings};
use zbus::zvariant::OwnedValue;

use super::*;

/// One notification as the stand-in received it.
#[derive(Debug, Clone)]
struct Shown {
    id: u32,
    app_name: String,
    summary: String,
    body: String,
    actions: Vec<String>,
}

/// The stand-in notification service.
struct Notifications {
    shown: Arc<Mutex<Vec<Shown>>>,
}

#[zbus::interface(name = "org.freedesktop.Notifications")]
impl Notifications {
    #[allow(clippy::too_many_arguments)]
    fn notify(
        &self,
        app_name: String,
        _replaces_id: u32,
        _app_icon: String,
        summary: String,
        body: String,
        actions: Vec<String>,
        _hints: HashMap<String, OwnedValue>,
        _expire_timeout: i32,
    ) -> u32 {
        let mut shown = self.shown.lock().unwrap();
        let id = u32::try_from(shown.len()).unwrap() + 1;
        shown.push(Shown {
            id,
            app_name,
            summary,
            body,
            actions,
        });
        id
    }

    fn get_capabilities(&self) -> Vec<String> {
        vec!["actions".into(), "body".into()]
    }

    fn get_server_information(&self) -> (String, String, String, String) {
        (
            "stand-in".into(),
            "banco-e2e".into(),
            "1".into(),
            "1.2".into(),
        )
    }

    fn close_notification(&self, _id: u32) {}
}

/// A session bus of the test's own (`dbus-daemon`), killed when dropped.
struct Bus {
    daemon: Child,
    address: String,
}

impl Drop for Bus {
    fn drop(&mut self) {
        let _ = self.daemon.kill();
        let _ = self.daemon.wait();
    }
}

fn private_bus(dir: &std::path::Path) -> Bus {
    let address = format!("unix:path={}", dir.join("bus").display());
    let daemon = Command::new("dbus-daemon")
        .args(["--session", "--nofork", "--nopidfile"])
        .arg(format!("--address={address}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("dbus-daemon (Debian's dbus-daemon package) starts");
    let started = Instant::now();
    while !dir.join("bus").exists() {
        assert!(started.elapsed() < TIMEOUT, "dbus-daemon never listened");
        std::thread::sleep(Duration::from_millis(50));
    }
    Bus { daemon, address }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_meeting_about_to_start_raises_a_notification_that_opens_the_record() {
    within_limit(a_meeting_about_to_start_raises_a_notification_that_opens_the_record_scenario())
        .await;
}

async fn a_meeting_about_to_start_raises_a_notification_that_opens_the_record_scenario() {
    let data = tempfile::tempdir().unwrap();
    let bus = private_bus(data.path());
    let shown = Arc::new(Mutex::new(Vec::new()));
    let service = zbus::connection::Builder::address(bus.address.as_str())
        .unwrap()
        .name("org.freedesktop.Notifications")
        .unwrap()
        .serve_at(
            "/org/freedesktop/Notifications",
            Notifications {
                shown: shown.clone(),
            },
        )
        .unwrap()
        .build()
        .await
        .unwrap();
    let (_driver, c) = start_with(
        data.path(),
        &[("DBUS_SESSION_BUS_ADDRESS", bus.address.clone())],
    )
    .await;

    // Another desk (here: the core on the same file) schedules a meeting
    // with the signed-in admin in four minutes.
    let db = banco::store::Db::connect(&format!(
        "sqlite://{}",
        data.path().join(banco::store::SQLITE_FILE).display()
    ))
    .await
    .unwrap();
    let admin = Ctx::load(&db, None).await.unwrap();
    let lead = capture::capture_lead(
        &db,
        &admin,
        CaptureLead {
            first_name: "Marta".into(),
            last_name: "Ferri".into(),
            phone: "347 555 0101".into(),
            consents: ConsentChoices {
                service_contact: true,
                ..Default::default()
            },
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .lead;
    // Two meetings with her, in four and in six minutes.
    let starts_at = chrono::Utc::now() + chrono::Duration::minutes(4);
    for (title, at) in [
        ("Offerta fibra", starts_at),
        ("Offerta luce", starts_at + chrono::Duration::minutes(2)),
    ] {
        meetings::schedule(
            &db,
            &admin,
            &NewMeeting {
                entity_type: EntityType::Lead,
                entity_id: lead.id,
                title: title.into(),
                starts_at: at,
                duration_minutes: 30,
                participants: vec![],
                customer_email: None,
                // Whatever the hour the test runs at (quiet hours).
                override_reason: Some("Il cliente è in negozio".into()),
            },
        )
        .await
        .unwrap();
    }
    db.close().await;

    // The notifications, in Italian, with the record's name and "Open".
    let started = Instant::now();
    while shown.lock().unwrap().len() < 2 {
        assert!(
            started.elapsed() < TIMEOUT,
            "no notifications were raised for the meetings: {:?}",
            shown.lock().unwrap()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let (fibre, power) = {
        let shown = shown.lock().unwrap();
        let find = |what: &str| {
            shown
                .iter()
                .find(|n| n.summary.contains(what))
                .cloned()
                .unwrap()
        };
        (find("fibra"), find("luce"))
    };
    let local = starts_at.with_timezone(&chrono::Local).format("%H:%M");
    assert_eq!(fibre.app_name, "Banco");
    assert_eq!(
        fibre.summary,
        format!("Riunione alle {local}: Offerta fibra")
    );
    assert_eq!(fibre.body, "Marta Ferri");
    assert_eq!(fibre.actions, ["default", "Apri"]);
    // Raised once each: the next checks do not repeat them.
    tokio::time::sleep(Duration::from_secs(4)).await;
    assert_eq!(shown.lock().unwrap().len(), 2, "one notification each");
    let clicked = |id: u32| {
        let service = service.clone();
        async move {
            service
                .emit_signal(
                    None::<&str>,
                    "/org/freedesktop/Notifications",
                    "org.freedesktop.Notifications",
                    "ActionInvoked",
                    &(id, "default"),
                )
                .await
                .unwrap();
        }
    };

    // The clerk is elsewhere; a click on the notification opens the lead.
    click(&c, "#nav-settings").await;
    clicked(fibre.id).await;
    wait_text(&c, "#lead-detail", "Marta Ferri").await;
    shot(&c, "alerts-01-opened-from-notification").await;

    // In the middle of a capture, the click does not throw it away: the
    // top bar offers the record, which opens when the clerk chooses.
    click(&c, "#nav-counter").await;
    type_into(&c, "input[name=first_name]", "Gino").await;
    clicked(power.id).await;
    wait_text(&c, "#pending-alert", "Da aprire: Marta Ferri").await;
    let typed = value_of(&c, "input[name=first_name]").await;
    assert_eq!(typed.as_deref(), Some("Gino"), "the capture is untouched");
    shot(&c, "alerts-02-offered-during-a-capture").await;
    click(&c, "#pending-alert").await;
    wait_text(&c, "#lead-detail", "Marta Ferri").await;
    let _ = c.close().await;
}
