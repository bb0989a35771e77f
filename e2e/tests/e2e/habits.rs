//! The desktop habits of issue 14 in the real window: starting Banco a
//! second time on the same data folder hands over to the open window (the
//! second process exits) — a phone link given to it (a softphone's
//! incoming call) opens the inbound-call dialog there on the caller — and
//! the window comes back at the size and place it had.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_start_hands_its_phone_link_to_the_open_window() {
    let data = tempfile::tempdir().unwrap();
    let (_driver, c) = start(data.path()).await;
    capture(&c, "Marta", "Ferri", "347 555 0101").await;
    // A softphone starts Banco with the caller's number.
    let started = Instant::now();
    let mut second = Command::new(app_under_test())
        .arg("tel:+39%20347%20555%200101")
        .envs(app_env(data.path()))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let status = loop {
        if let Some(status) = second.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > TIMEOUT {
            let _ = second.kill();
            panic!("the second Banco kept running: there are two");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(
        status.success(),
        "the second start handed over and exited: {status}"
    );
    // The open window asks who is calling.
    wait_text(&c, "#inbound-matches", "Marta Ferri").await;
    let number = c
        .find(Locator::Css("#inbound-phone"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(number.as_deref(), Some("+39 347 555 0101"));
    shot(&c, "habits-01-phone-link").await;
    let _ = c.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_window_comes_back_at_its_size_and_place() {
    let data = tempfile::tempdir().unwrap();
    let (driver, c) = start(data.path()).await;
    c.set_window_rect(70, 50, 1100, 700).await.unwrap();
    let before = c.get_window_rect().await.unwrap();
    assert_eq!(
        (before.2, before.3),
        (1100, 700),
        "the window took the size asked"
    );
    // Kept as soon as the window settles, not only at a clean exit.
    let kept = data
        .path()
        .join("xdg-config/it.banco.crm/.window-state.json");
    wait_until(&c, "the window's size and place are kept", || kept.exists()).await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    // WebDriver ends the app without a clean exit.
    let _ = c.close().await;
    drop(driver);
    let (_driver, c) = launch(data.path(), &[]).await;
    wait_text(&c, "#sign-in-title", "").await;
    let after = c.get_window_rect().await.unwrap();
    assert_eq!((after.2, after.3), (before.2, before.3), "the same size");
    assert!(
        after.0.abs_diff(before.0) <= 2 && after.1.abs_diff(before.1) <= 2,
        "the same place: {before:?} then {after:?}"
    );
    let _ = c.close().await;
}
