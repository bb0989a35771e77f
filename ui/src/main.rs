//! Banco UI: a Yew app compiled to wasm by trunk and shown in the Tauri
//! window. Pages live in [`pages`]; [`api`] is the only module that calls
//! the shell; [`i18n`] holds every user-facing string. The domain model and
//! its validation come from the `banco` core crate (built without its
//! `store` feature), so the counter checks a phone exactly as the core does.
#![allow(missing_docs)]

use std::rc::Rc;

use banco::model::{
    AppInfo, CaptureLead, DeskAlert, EntityType, MeetingEnded, StartedCall, ALERT_EVENT,
};
use uuid::Uuid;
use wasm_bindgen::JsCast;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

mod api;
mod format;
mod i18n;
mod pages;
mod shortcuts;
mod widgets;

use i18n::{tr, tr_with};

// The texts of `locales/app.yml`, as the core's one table
// (`banco::texts`, which says why); the path given to the macro names no
// files, so that it writes no code per text of its own.
rust_i18n::i18n!(
    "src/texts",
    fallback = "it",
    backend = banco::texts::Texts::new()
);

/// The size of this page's wasm linear memory, in bytes (it only grows).
/// The desktop benchmark reads it through `window.wasmBindings` to tell the
/// page's own heap from the rest of WebKit's web process (BENCHMARKS.md).
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn wasm_memory_bytes() -> f64 {
    (core::arch::wasm32::memory_size(0) * 65536) as f64
}

/// The screens of the left navigation.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Counter,
    Leads,
    Companies,
    Customers,
    Deals,
    Tasks,
    ToCall,
    Meetings,
    Dashboard,
    Import,
    Duplicates,
    Mentions,
    Settings,
    Outbox,
    About,
}

impl Screen {
    const ALL: [Screen; 14] = [
        Screen::Counter,
        Screen::Leads,
        Screen::Companies,
        Screen::Customers,
        Screen::Deals,
        Screen::Tasks,
        Screen::ToCall,
        Screen::Meetings,
        Screen::Dashboard,
        Screen::Import,
        Screen::Duplicates,
        Screen::Settings,
        Screen::Outbox,
        Screen::About,
    ];

    fn key(self) -> &'static str {
        match self {
            Screen::Counter => "nav.counter",
            Screen::Leads => "nav.leads",
            Screen::Companies => "nav.companies",
            Screen::Customers => "nav.customers",
            Screen::Deals => "nav.deals",
            Screen::Tasks => "nav.tasks",
            Screen::ToCall => "nav.to_call",
            Screen::Meetings => "nav.meetings",
            Screen::Dashboard => "nav.dashboard",
            Screen::Import => "nav.import",
            Screen::Duplicates => "nav.duplicates",
            Screen::Mentions => "nav.mentions",
            Screen::Settings => "nav.settings",
            Screen::Outbox => "nav.outbox",
            Screen::About => "nav.about",
        }
    }

    /// Whether the nav shows this screen to `info`'s user: managers'
    /// screens to managers, the outbox on a chain server, and only the
    /// counter and the outbox while the desk is offline.
    fn shown_to(self, info: &AppInfo) -> bool {
        let manager = info.user.role.is_manager();
        match self {
            Screen::Counter | Screen::Outbox if info.offline => true,
            _ if info.offline => false,
            Screen::Settings | Screen::Import | Screen::Duplicates => manager,
            Screen::Outbox => info.backend == "postgres",
            _ => true,
        }
    }

    fn id(self) -> &'static str {
        match self {
            Screen::Counter => "nav-counter",
            Screen::Leads => "nav-leads",
            Screen::Companies => "nav-companies",
            Screen::Customers => "nav-customers",
            Screen::Deals => "nav-deals",
            Screen::Tasks => "nav-tasks",
            Screen::ToCall => "nav-to-call",
            Screen::Meetings => "nav-meetings",
            Screen::Dashboard => "nav-dashboard",
            Screen::Import => "nav-import",
            Screen::Duplicates => "nav-duplicates",
            Screen::Mentions => "nav-mentions",
            Screen::Settings => "nav-settings",
            Screen::Outbox => "nav-outbox",
            Screen::About => "nav-about",
        }
    }
}

/// What every page can read: the frame data, the language, and a way to
/// reload the frame (after adding a user, switching who is at the counter).
#[derive(Clone, PartialEq)]
pub struct Shared {
    pub info: Rc<AppInfo>,
    pub lang: String,
    pub set_info: Callback<AppInfo>,
    pub set_lang: Callback<String>,
    /// Opens the counter with a prefilled form (a cross-sell lead).
    pub open_counter: Callback<CaptureLead>,
    /// The form the counter starts with, if a page asked for one.
    pub prefill: Option<Rc<CaptureLead>>,
    /// Opens a record: a person's or company's card, a lead, or a deal on
    /// the Deals screen.
    pub open_record: Callback<(EntityType, Uuid)>,
    /// The deal the Deals screen opens with, if a page asked for one.
    pub focus_deal: Option<Uuid>,
    /// A call was started: the outcome dialog opens for it.
    pub call_started: Callback<StartedCall>,
    /// Grows when calls, meetings or notes changed outside a page (the
    /// outcome dialog, a meeting window that closed): pages that show them
    /// reload when it changes.
    pub data_version: u32,
}

/// The app of a signed-in user (see [`pages::desk::Gate`], which mounts it
/// once per person).
impl Shared {
    /// Whether the signed-in user is a manager (store, area) or an admin:
    /// who may export, import, merge and configure. The window only hides
    /// what the core would refuse anyway.
    pub fn can_manage(&self) -> bool {
        self.info.user.role.is_manager()
    }
}

#[derive(Properties, PartialEq)]
pub struct AppProps {
    /// The frame's data as signing in returned it.
    pub info: Rc<AppInfo>,
    /// Locks the desk.
    pub on_lock: Callback<()>,
    /// Another person signed in (switched to at the counter).
    pub on_signed_in: Callback<AppInfo>,
}

#[function_component(App)]
pub fn app(props: &AppProps) -> Html {
    let info = use_state(|| Some(props.info.clone()));
    let switching = use_state(|| None::<banco::model::User>);
    let account = use_state(|| false);
    let switcher = use_node_ref();
    let error = use_state(|| None::<String>);
    // After an update restarted Banco, it opens About again (see
    // pages::about::RESUME_KEY), which says from which version.
    let updated_from = use_state(pages::about::take_resume);
    let screen = use_state(|| {
        if updated_from.is_some() {
            Screen::About
        } else {
            Screen::Counter
        }
    });
    let update_offer = use_state(|| None::<banco::model::UpdateOffer>);
    let prefill = use_state(|| None::<Rc<CaptureLead>>);
    let counter_key = use_state(|| 0u32);
    let record = use_state(|| None::<(EntityType, Uuid)>);
    let focus_deal = use_state(|| None::<Uuid>);
    let deals_key = use_state(|| 0u32);
    let searching = use_state(|| false);
    let unread = use_state(|| 0usize);
    let to_call = use_state(|| 0usize);
    let active_call = use_state(|| None::<StartedCall>);
    // The inbound-call dialog: closed, open, or open on a phone link's number.
    let inbound = use_state(|| None::<Option<String>>);
    let meeting_ended = use_state(|| None::<MeetingEnded>);
    let data_version = use_reducer(DataVersion::default);
    {
        // A meeting window closed (or End was pressed): its note opens.
        let (meeting_ended, data_version) = (meeting_ended.clone(), data_version.clone());
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                let seen = std::rc::Rc::new(std::cell::Cell::new(None::<Uuid>));
                api::listen("meeting-ended", move |ended: MeetingEnded| {
                    data_version.dispatch(());
                    if seen.get() != Some(ended.note.id) {
                        seen.set(Some(ended.note.id));
                        meeting_ended.set(Some(ended));
                    }
                })
                .await;
            });
        });
    }
    {
        // Another desk (or window, or the command line) changed data: the
        // shown boards, lists, queue and match panel read it again.
        let data_version = data_version.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                api::listen("data-changed", move |_tables: Vec<String>| {
                    data_version.dispatch(());
                })
                .await;
            });
        });
    }
    let open_record = {
        let (record, screen, focus_deal, deals_key, searching) = (
            record.clone(),
            screen.clone(),
            focus_deal.clone(),
            deals_key.clone(),
            searching.clone(),
        );
        Callback::from(move |(kind, id): (EntityType, Uuid)| {
            searching.set(false);
            if kind == EntityType::Deal {
                record.set(None);
                focus_deal.set(Some(id));
                deals_key.set(deals_key.wrapping_add(1));
                screen.set(Screen::Deals);
            } else {
                record.set(Some((kind, id)));
            }
        })
    };
    // A notification clicked during a capture, waiting in the top bar.
    let pending_alert = use_state(|| None::<DeskAlert>);
    {
        // A click on a call-back's or a meeting's system notification:
        // its record opens (the shell brought the window forward), unless
        // the counter holds a capture being typed, which opening a record
        // would throw away: then the top bar offers it.
        let (open_record, pending_alert) = (open_record.clone(), pending_alert.clone());
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                api::listen(ALERT_EVENT, move |alert: DeskAlert| {
                    if capture_in_progress() {
                        pending_alert.set(Some(alert));
                    } else {
                        open_record.emit((alert.entity_type, alert.entity_id));
                    }
                })
                .await;
            });
        });
    }
    {
        // A phone link given to a second start of Banco (a softphone's
        // incoming call, a tel: link in the browser): who is calling?
        let inbound = inbound.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                api::listen("phone-link", move |number: String| {
                    inbound.set(Some(Some(number)))
                })
                .await;
            });
        });
    }
    {
        // Ctrl+K (⌘K on macOS) opens the search box from anywhere.
        let searching = searching.clone();
        use_effect_with((), move |_| {
            let window = web_sys::window().expect("window");
            let listener = gloo_events::EventListener::new(&window, "keydown", move |e| {
                let Some(e) = e.dyn_ref::<web_sys::KeyboardEvent>() else {
                    return;
                };
                if (e.ctrl_key() || e.meta_key()) && e.key().eq_ignore_ascii_case("k") {
                    e.prevent_default();
                    searching.set(true);
                }
            });
            move || drop(listener)
        });
    }
    let lang = use_state(|| {
        let l = i18n::saved_language();
        rust_i18n::set_locale(&l);
        l
    });
    {
        // The unread mentions badge, refreshed when the user, the screen or
        // the open record changes. (Before any early return: hooks run in
        // the same order on every render.)
        // The same for the "to call" count (overdue or due soon), which
        // also follows calls recorded from a dialog.
        let (unread, to_call) = (unread.clone(), to_call.clone());
        let user = info.as_ref().map(|i| i.user.id);
        use_effect_with(
            (user, *screen, *record, data_version.0),
            move |(user, _, _, _)| {
                if user.is_some() {
                    wasm_bindgen_futures::spawn_local(async move {
                        if let Some(m) = api::shown(api::mentions(true).await) {
                            unread.set(m.len());
                        }
                        if let Some(q) = api::shown(api::call_queue().await) {
                            to_call.set(q.len());
                        }
                    });
                }
            },
        );
    }
    {
        // The "to call" count also moves with the clock (a call-back falls
        // due): read again every minute while someone is signed in.
        let to_call = to_call.clone();
        let user = info.as_ref().map(|i| i.user.id);
        use_effect_with(user, move |user| {
            let every_minute = user.map(|_| {
                gloo_timers::callback::Interval::new(60_000, move || {
                    let to_call = to_call.clone();
                    wasm_bindgen_futures::spawn_local(async move {
                        if let Ok(q) = api::call_queue().await {
                            to_call.set(q.len());
                        }
                    });
                })
            });
            move || drop(every_minute)
        });
    }
    {
        // Calls left without an outcome (the app was closed mid-call): the
        // dialog opens again for the newest.
        let active_call = active_call.clone();
        let user = info.as_ref().map(|i| i.user.id);
        use_effect_with(user, move |user| {
            if user.is_some() {
                wasm_bindgen_futures::spawn_local(async move {
                    if let Some(pending) = api::shown(api::pending_calls().await) {
                        if let Some(i) = pending.into_iter().next() {
                            let title = format::phone_display(&i.phone);
                            active_call.set(Some(StartedCall {
                                dial_url: String::new(),
                                interaction: i,
                                title,
                            }));
                        }
                    }
                });
            }
        });
    }
    {
        // Once per signed-in user: is there a newer version? Only a notice
        // in the top bar; updating is done from About, never on its own.
        let update_offer = update_offer.clone();
        let user = info.as_ref().map(|i| i.user.id);
        use_effect_with(user, move |user| {
            if user.is_some() {
                wasm_bindgen_futures::spawn_local(async move {
                    if let Ok(offer) = api::check_update().await {
                        update_offer.set(offer);
                    }
                });
            }
        });
    }
    let Some(current) = (*info).clone() else {
        return html! {
            <div class="app"><main>{ error.as_ref().map(|e| html!{ <div class="banner error">{ e }</div> }).unwrap_or_else(|| html!{ <p>{ tr("app.loading") }</p> }) }</main></div>
        };
    };
    let shared = Shared {
        info: current.clone(),
        lang: (*lang).clone(),
        set_info: {
            let info = info.clone();
            Callback::from(move |i: AppInfo| info.set(Some(Rc::new(i))))
        },
        set_lang: {
            let lang = lang.clone();
            Callback::from(move |l: String| {
                i18n::set_language(&l);
                lang.set(l);
            })
        },
        open_counter: {
            let (prefill, screen, counter_key) =
                (prefill.clone(), screen.clone(), counter_key.clone());
            Callback::from(move |c: CaptureLead| {
                prefill.set(Some(Rc::new(c)));
                counter_key.set(counter_key.wrapping_add(1));
                screen.set(Screen::Counter);
            })
        },
        prefill: (*prefill).clone(),
        open_record: open_record.clone(),
        focus_deal: *focus_deal,
        call_started: {
            let active_call = active_call.clone();
            Callback::from(move |c: StartedCall| active_call.set(Some(c)))
        },
        data_version: data_version.0,
    };

    // Choosing another person opens the dialog for their password; the
    // list shows who is signed in until that succeeds.
    let on_switch = {
        let (switching, users) = (switching.clone(), current.users.clone());
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlSelectElement>().value();
            let Ok(id) = Uuid::parse_str(&value) else {
                return;
            };
            switching.set(users.iter().find(|u| u.id == id).cloned());
        })
    };
    let cancel_switch = {
        let (switching, switcher, me) = (switching.clone(), switcher.clone(), current.user.id);
        Callback::from(move |_: ()| {
            switching.set(None);
            if let Some(select) = switcher.cast::<HtmlSelectElement>() {
                select.set_value(&me.to_string());
            }
        })
    };
    let store_name = current
        .user
        .store_id
        .and_then(|id| current.stores.iter().find(|s| s.id == id))
        .map(|s| s.name.clone())
        .unwrap_or_default();
    html! {
        <ContextProvider<Shared> context={shared.clone()}>
            <div class="app">
                <header class="topbar">
                    <span class="brand">{ "Banco" }</span>
                    <span>{ store_name }</span>
                    <span class="spacer"></span>
                    // Offline the search answers from the desk's copy of the
                    // store's people; no calls or mentions.
                    <button id="open-search" class="topbar-button" onclick={{ let searching = searching.clone(); Callback::from(move |_| searching.set(true)) }}>
                        { tr("search.open") }<kbd>{ "Ctrl K" }</kbd>
                    </button>
                    { (!current.offline).then(|| html! { <>
                    <button id="open-inbound" class="topbar-button" onclick={{ let inbound = inbound.clone(); Callback::from(move |_| inbound.set(Some(None))) }}>{ tr("calls.inbound") }</button>
                    <button id="open-mentions" class="topbar-button" onclick={{ let (screen, record) = (screen.clone(), record.clone()); Callback::from(move |_| { record.set(None); screen.set(Screen::Mentions) }) }}>
                        { tr("nav.mentions") }
                        { (*unread > 0).then(|| html!{ <span class="count" id="mentions-count">{ *unread }</span> }) }
                    </button>
                    </> }) }
                    { pending_alert.as_ref().map(|a| {
                        let (pending, open, target) = (pending_alert.clone(), open_record.clone(), (a.entity_type, a.entity_id));
                        html! {
                            <button id="pending-alert" class="topbar-button" onclick={Callback::from(move |_| { pending.set(None); open.emit(target) })}>
                                { tr_with("alerts.pending", [("name", a.record_title.clone())]) }
                            </button>
                        }
                    }) }
                    { update_offer.as_ref().map(|o| html! {
                        <button id="update-available" class="topbar-button" onclick={{ let (screen, record) = (screen.clone(), record.clone()); Callback::from(move |_| { record.set(None); screen.set(Screen::About) }) }}>
                            { tr_with("about.available", [("version", o.version.clone())]) }
                        </button>
                    }) }
                    <label for="current_user">{ tr("app.at_counter") }</label>
                    <select id="current_user" name="current_user" onchange={on_switch} ref={switcher.clone()}>
                        { for current.users.iter().filter(|u| u.active).map(|u| html! {
                            <option value={u.id.to_string()} selected={u.id == current.user.id}>
                                { format!("{} · {}", u.display_name, tr(&format!("role.{}", u.role.as_str()))) }
                            </option>
                        }) }
                    </select>
                    <button id="open-account" class="topbar-button" onclick={{ let account = account.clone(); Callback::from(move |_| account.set(true)) }}>{ tr("desk.account") }</button>
                    <button id="lock-desk" class="topbar-button" onclick={{ let lock = props.on_lock.clone(); Callback::from(move |_| lock.emit(())) }}>{ tr("desk.lock") }</button>
                </header>
                <nav>
                    { for Screen::ALL.iter().filter(|s| s.shown_to(&shared.info)).map(|s| {
                        let (screen_state, record) = (screen.clone(), record.clone());
                        let s = *s;
                        html! {
                            <button id={s.id()} class={classes!((*screen == s && record.is_none()).then_some("active"))}
                                onclick={Callback::from(move |_| { record.set(None); screen_state.set(s) })}>{ tr(s.key()) }
                                { (s == Screen::ToCall && *to_call > 0).then(|| html!{ <span class="count" id="to-call-count">{ *to_call }</span> }) }</button>
                        }
                    }) }
                </nav>
                <main>
                    <pages::outbox::OutboxBanner
                        on_open={{ let (screen, record) = (screen.clone(), record.clone()); Callback::from(move |_| { record.set(None); screen.set(Screen::Outbox) }) }}
                        on_online={shared.set_info.clone()} />
                    { error.as_ref().map(|e| html!{ <div class="banner error">{ e }</div> }) }
                    { match (*record, *screen) {
                        (Some((kind, id)), _) => html! { <pages::records::RecordView key={id.to_string()} {kind} {id}
                            on_close={{ let record = record.clone(); Callback::from(move |_| record.set(None)) }} /> },
                        (None, Screen::Counter) => html! { <pages::counter::Counter key={*counter_key} /> },
                        (None, Screen::Leads) => html! { <pages::leads::Leads /> },
                        (None, Screen::Companies) => html! { <pages::companies::Companies /> },
                        (None, Screen::Customers) => html! { <pages::customers::Customers /> },
                        (None, Screen::Deals) => html! { <pages::deals::Deals key={*deals_key} /> },
                        (None, Screen::Tasks) => html! { <pages::tasks::Tasks /> },
                        (None, Screen::ToCall) => html! { <pages::calls::ToCall /> },
                        (None, Screen::Meetings) => html! { <pages::meetings::Meetings /> },
                        (None, Screen::Dashboard) => html! { <pages::dashboard::Dashboard /> },
                        (None, Screen::Import) => html! { <pages::import::Import /> },
                        (None, Screen::Duplicates) => html! { <pages::duplicates::Duplicates /> },
                        (None, Screen::Mentions) => html! { <pages::mentions::Mentions /> },
                        (None, Screen::Settings) => html! { <pages::settings::Settings /> },
                        (None, Screen::Outbox) => html! { <pages::outbox::Outbox /> },
                        (None, Screen::About) => html! { <pages::about::About updated_from={(*updated_from).clone()} offer={(*update_offer).clone()} /> },
                    } }
                </main>
                // Each dialog slot is always one node (empty when closed):
                // Yew pairs unkeyed children from the end, so a child that
                // comes and goes would recreate the page before it.
                { active_call.as_ref().map(|c| html! { <div class="dialog-slot"><pages::calls::OutcomeDialog key={c.interaction.id.to_string()} call={c.clone()}
                    on_done={{ let (active_call, data_version) = (active_call.clone(), data_version.clone()); Callback::from(move |_saved: bool| { active_call.set(None); data_version.dispatch(()) }) }} /></div> }).unwrap_or_default() }
                { if let Some(number) = (*inbound).clone() { html! { <pages::calls::InboundDialog key={number.clone().unwrap_or_default()} number={number.clone()}
                    on_close={{ let (inbound, data_version) = (inbound.clone(), data_version.clone()); Callback::from(move |_saved: bool| { inbound.set(None); data_version.dispatch(()) }) }} /> } } else { html! {} } }
                { meeting_ended.as_ref().map(|m| html! { <div class="dialog-slot"><pages::meetings::MeetingNoteDialog key={m.note.id.to_string()} ended={m.clone()}
                    on_close={{ let (meeting_ended, data_version) = (meeting_ended.clone(), data_version.clone()); Callback::from(move |_| { meeting_ended.set(None); data_version.dispatch(()) }) }} /></div> }).unwrap_or_default() }
                { switching.as_ref().map(|u| html! { <div class="dialog-slot"><pages::desk::SwitchDialog key={u.id.to_string()} user={u.clone()}
                    on_done={props.on_signed_in.clone()} on_cancel={cancel_switch.clone()} /></div> }).unwrap_or_default() }
                { if *account { html! { <pages::desk::AccountDialog on_close={{ let account = account.clone(); Callback::from(move |_| account.set(false)) }} /> } } else { html! {} } }
                { if *searching { html! { <pages::search::SearchBox on_close={{ let searching = searching.clone(); Callback::from(move |_| searching.set(false)) }} /> } } else { html! {} } }
            </div>
        </ContextProvider<Shared>>
    }
}

/// Shows a panic of the UI in the window (a red line at the bottom, id
/// `ui-panic`) and in the console, instead of a window that silently stops
/// responding.
fn show_panics() {
    std::panic::set_hook(Box::new(|info| {
        let text = info.to_string();
        web_sys::console::error_1(&text.clone().into());
        if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
            if let (Ok(el), Some(body)) = (doc.create_element("div"), doc.body()) {
                el.set_id("ui-panic");
                el.set_class_name("banner error");
                el.set_text_content(Some(&text));
                let _ = body.append_child(&el);
            }
        }
    }));
}

/// How many times the data shown may have changed behind the page's back
/// (a call saved, a meeting ended): pages reload when it moves. It wraps
/// around instead of overflowing, and a stale handle in a long-lived
/// listener still moves it on (the reducer reads the current value).
#[derive(Debug, Default, PartialEq)]
struct DataVersion(u32);

impl Reducible for DataVersion {
    type Action = ();
    fn reduce(self: std::rc::Rc<Self>, _: ()) -> std::rc::Rc<Self> {
        std::rc::Rc::new(DataVersion(self.0.wrapping_add(1)))
    }
}

fn main() {
    show_panics();
    // A panic in the core: the calls waiting for it fail instead of hanging.
    wasm_bindgen_futures::spawn_local(api::listen(
        banco::error::PANIC_EVENT,
        api::fail_waiting_calls,
    ));
    rust_i18n::set_locale(&i18n::saved_language());
    shortcuts::install();
    yew::Renderer::<pages::desk::Gate>::new().render();
}

/// Whether the counter's form holds typed text (a capture under way).
fn capture_in_progress() -> bool {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return false;
    };
    let Ok(fields) = doc.query_selector_all("#counter-form input, #counter-form textarea") else {
        return false;
    };
    (0..fields.length())
        .filter_map(|i| fields.item(i))
        .any(|f| {
            if let Some(input) = f.dyn_ref::<web_sys::HtmlInputElement>() {
                matches!(
                    input.type_().as_str(),
                    "text" | "tel" | "email" | "search" | "date"
                ) && !input.value().trim().is_empty()
            } else {
                f.dyn_ref::<web_sys::HtmlTextAreaElement>()
                    .is_some_and(|t| !t.value().trim().is_empty())
            }
        })
}
