//! Who is at the desk, before and around the app: the first-start set-up
//! (this shop's administrator's login and password, or a chain server), the sign-in screen, the lock
//! screen (over the app, so a half-typed form survives an unlock by the
//! same person), switching who is at the counter with that person's
//! password, the idle lock, and changing one's own password. The shell
//! keeps the truth ([`banco::wire::DeskState`]); this page shows it.

use std::cell::Cell;
use std::rc::Rc;

use banco::model::{AppInfo, DeskState, Password, User};
use yew::prelude::*;

use super::connect::ServerForm;
use crate::i18n::{error_text, tr, tr_with, LANGUAGES};
use crate::widgets::form::{bound_input, error_for, field_errors, labelled_input};
use crate::{api, App};

/// What the window shows.
#[derive(Clone, PartialEq)]
enum View {
    Loading,
    Unclaimed,
    SignedOut,
    /// Locked; `info` is the app left mounted underneath, if any.
    Locked {
        user: User,
        info: Option<Rc<AppInfo>>,
    },
    SignedIn(Rc<AppInfo>),
    /// The database could not be opened at start (or, on a chain server,
    /// its schema is not this build's): why, and whether it is the schema.
    Failed {
        error: Box<banco::ErrorPayload>,
    },
}

impl View {
    fn info(&self) -> Option<Rc<AppInfo>> {
        match self {
            View::SignedIn(info) => Some(info.clone()),
            View::Locked { info, .. } => info.clone(),
            _ => None,
        }
    }
}

/// The top of the window: asks the shell who is at the desk and shows the
/// set-up, the sign-in, the lock screen or the app.
#[function_component(Gate)]
pub fn gate() -> Html {
    let view = use_state(|| View::Loading);
    let _lang = use_state(|| {
        let l = crate::i18n::saved_language();
        rust_i18n::set_locale(&l);
        l
    });
    // The view as of now, for callbacks made before it changed.
    let latest = use_mut_ref(|| View::Loading);
    *latest.borrow_mut() = (*view).clone();
    let refresh = {
        let (view, latest) = (view.clone(), latest.clone());
        Callback::from(move |_: ()| {
            let (view, latest) = (view.clone(), latest.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let next = match api::desk_state().await {
                    Ok(DeskState::Unclaimed) => View::Unclaimed,
                    Ok(DeskState::SignedOut) => View::SignedOut,
                    Ok(DeskState::Locked { user }) => {
                        let info = latest.borrow().info().filter(|i| i.user.id == user.id);
                        View::Locked { user, info }
                    }
                    Ok(DeskState::SignedIn { info }) => View::SignedIn(Rc::new(*info)),
                    Err(e) => View::Failed { error: Box::new(e) },
                };
                view.set(next);
            });
        })
    };
    {
        let refresh = refresh.clone();
        use_effect_with((), move |_| {
            refresh.emit(());
            let window = web_sys::window().expect("window");
            let listener =
                gloo_events::EventListener::new(&window, api::SIGNED_OUT_EVENT, move |_| {
                    refresh.emit(())
                });
            move || drop(listener)
        });
    }
    {
        // The idle lock: no key, click or pointer move for the tenant's
        // idle time locks the desk.
        let signed_in = match &*view {
            View::SignedIn(info) => Some((info.user.id, info.tenant.idle_lock_minutes)),
            _ => None,
        };
        let refresh = refresh.clone();
        use_effect_with(signed_in, move |signed_in| {
            let mut guards = None;
            if let Some((_, minutes)) = signed_in.filter(|(_, m)| *m > 0) {
                let last = Rc::new(Cell::new(js_sys::Date::now()));
                let window = web_sys::window().expect("window");
                let listeners: Vec<_> = ["keydown", "pointerdown", "pointermove", "wheel"]
                    .into_iter()
                    .map(|kind| {
                        let last = last.clone();
                        gloo_events::EventListener::new(&window, kind, move |_| {
                            last.set(js_sys::Date::now())
                        })
                    })
                    .collect();
                let limit_ms = f64::from(minutes) * 60_000.0;
                let interval = gloo_timers::callback::Interval::new(10_000, move || {
                    if js_sys::Date::now() - last.get() >= limit_ms {
                        last.set(js_sys::Date::now());
                        let refresh = refresh.clone();
                        wasm_bindgen_futures::spawn_local(async move {
                            let _ = api::lock_desk().await;
                            refresh.emit(());
                        });
                    }
                });
                guards = Some((listeners, interval));
            }
            move || drop(guards)
        });
    }
    let signed_in = {
        let view = view.clone();
        Callback::from(move |info: AppInfo| view.set(View::SignedIn(Rc::new(info))))
    };
    let lock = {
        let refresh = refresh.clone();
        Callback::from(move |_: ()| {
            let refresh = refresh.clone();
            wasm_bindgen_futures::spawn_local(async move {
                if api::shown(api::lock_desk().await).is_some() {
                    refresh.emit(());
                }
            });
        })
    };
    // The app, keyed by who is signed in: another person gets a fresh app,
    // the same person unlocking finds theirs as they left it.
    let app = |info: Rc<AppInfo>| {
        let key = info.user.id.to_string();
        html! { <App {key} {info} on_lock={lock.clone()} on_signed_in={signed_in.clone()} /> }
    };
    match &*view {
        View::Loading => html! { <div class="app"><main><p>{ tr("app.loading") }</p></main></div> },
        View::Failed { error } => failure(error),
        View::Unclaimed => html! { <FirstStart on_done={signed_in.clone()} /> },
        View::SignedOut => html! { <SignInForm claim=false on_done={signed_in.clone()} /> },
        View::SignedIn(info) => {
            html! { <div class="desk">{ app(info.clone()) }<div class="lock-slot"></div></div> }
        }
        View::Locked { user, info } => html! {
            <div class="desk">
                { info.clone().map(app).unwrap_or_default() }
                <div class="lock-slot"><LockOverlay user={user.clone()} on_done={signed_in.clone()} /></div>
            </div>
        },
    }
}

/// Why the desk cannot start. A schema that is not this build's gets a
/// screen of its own: who can fix it (the administrator migrates, or this
/// desk updates Banco) and the two versions.
fn failure(error: &banco::ErrorPayload) -> Html {
    let inner = error;
    let schema = inner.kind == banco::ErrorKind::Schema;
    let (id, title, hint) = match inner.message_key.as_str() {
        "error.schema_newer" => (
            "schema-mismatch",
            "desk.schema_title",
            "desk.schema_update_banco",
        ),
        "error.schema_older" | "error.schema_missing" => (
            "schema-mismatch",
            "desk.schema_title",
            "desk.schema_ask_admin",
        ),
        _ if schema => ("schema-mismatch", "desk.schema_title", "desk.failed_hint"),
        _ => ("start-failure", "desk.failed_title", "desk.failed_hint"),
    };
    html! {
        <div class="sign-in" {id}>
            <div class="card sign-in-card">
                <h1>{ tr(title) }</h1>
                <div class="banner error">{ error_text(inner) }</div>
                <p class="hint">{ tr(hint) }</p>
                <crate::widgets::diagnostics::DiagnosticsActions />
            </div>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct FirstStartProps {
    pub on_done: Callback<AppInfo>,
}

/// The first start: "This shop" (chosen unless the user picks the other)
/// or "Chain server".
#[function_component(FirstStart)]
pub fn first_start(props: &FirstStartProps) -> Html {
    let server = use_state(|| false);
    let choice = |id: &'static str, key: &'static str, on: bool| {
        let server = server.clone();
        html! {
            <button id={id} type="button" class={classes!("tab", (on == *server).then_some("active"))}
                aria-pressed={(on == *server).to_string()}
                onclick={Callback::from(move |_| server.set(on))}>{ tr(key) }</button>
        }
    };
    html! {
        <div class="first-start">
            <div class="tabs connection-choice" role="group" aria-label={tr("connect.choice")}>
                { choice("setup-shop", "connect.shop", false) }
                { choice("setup-server", "connect.server", true) }
            </div>
            { if *server {
                html! { <ServerForm on_done={props.on_done.clone()} /> }
            } else {
                html! { <SignInForm claim=true on_done={props.on_done.clone()} /> }
            } }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct SignInProps {
    /// The first start: the administrator chooses their login and password.
    pub claim: bool,
    pub on_done: Callback<AppInfo>,
}

/// The sign-in screen, or on the first start the administrator's set-up.
#[function_component(SignInForm)]
pub fn sign_in_form(props: &SignInProps) -> Html {
    let login = use_state(|| {
        if props.claim {
            "admin".to_string()
        } else {
            String::new()
        }
    });
    let password = use_state(String::new);
    let confirm = use_state(String::new);
    let error = use_state(|| None::<banco::ErrorPayload>);
    let mismatch = use_state(|| false);
    let busy = use_state(|| false);
    let lang = use_state(crate::i18n::saved_language);
    let on_submit = {
        let (login, password, confirm, error, mismatch, busy) = (
            login.clone(),
            password.clone(),
            confirm.clone(),
            error.clone(),
            mismatch.clone(),
            busy.clone(),
        );
        let (claim, on_done) = (props.claim, props.on_done.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if claim && *password != *confirm {
                mismatch.set(true);
                return;
            }
            mismatch.set(false);
            busy.set(true);
            let (login, pw) = ((*login).clone(), Password((*password).clone()));
            let (password, error, busy, on_done) = (
                password.clone(),
                error.clone(),
                busy.clone(),
                on_done.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                let result = if claim {
                    api::claim_desk(&login, pw).await
                } else {
                    api::sign_in(&login, pw).await
                };
                busy.set(false);
                match result {
                    Ok(info) => on_done.emit(info),
                    Err(e) => {
                        password.set(String::new());
                        error.set(Some(e));
                    }
                }
            });
        })
    };
    // A chain server whose schema is not this build's: nobody can sign
    // in until it is fixed, so the screen says what to do instead.
    if let Some(e) = error
        .as_ref()
        .filter(|e| e.kind == banco::ErrorKind::Schema)
    {
        return failure(e);
    }
    let errors = error.as_ref().map(field_errors).unwrap_or_default();
    let (title, intro, button) = if props.claim {
        ("desk.claim_title", "desk.claim_intro", "desk.claim_submit")
    } else {
        (
            "desk.sign_in_title",
            "desk.sign_in_intro",
            "desk.sign_in_submit",
        )
    };
    html! {
        <div class="sign-in">
            <form class="card sign-in-card" onsubmit={on_submit}>
                <h1 id="sign-in-title">{ tr(title) }</h1>
                <p class="hint">{ tr(intro) }</p>
                { error.as_ref().filter(|e| e.fields.is_empty()).map(|e| html! { <div id="sign-in-error" class="banner error">{ error_text(e) }</div> }).unwrap_or_default() }
                { labelled_input("sign-in-login", &tr("field.login"), "text", &login, "username", &errors, "login") }
                { labelled_input("sign-in-password", &tr("field.password"), "password", &password,
                    if props.claim { "new-password" } else { "current-password" }, &errors, "password") }
                { if props.claim { html! {
                    <div class="field">
                        <label for="sign-in-confirm">{ tr("field.password_confirm") }</label>
                        { bound_input("sign-in-confirm", "password", &confirm, "new-password") }
                        <span class="error">{ if *mismatch { tr("desk.mismatch") } else { String::new() } }</span>
                    </div>
                } } else { html! {} } }
                <div class="actions">
                    <button id="sign-in-submit" type="submit" class="primary" disabled={*busy}>{ tr(button) }</button>
                </div>
                <div class="field">
                    <label for="sign-in-language">{ tr("settings.language") }</label>
                    <select id="sign-in-language" onchange={{ let lang = lang.clone(); Callback::from(move |e: Event| {
                        let l = crate::widgets::form::select_value(&e);
                        crate::i18n::set_language(&l);
                        lang.set(l);
                    }) }}>
                        { for LANGUAGES.iter().map(|(code, label)| html!{ <option value={*code} selected={*lang == *code}>{ *label }</option> }) }
                    </select>
                </div>
            </form>
        </div>
    }
}

/// The submit of a form that proves who is coming with one password
/// (unlocking, switching user): `send` takes the typed password; the
/// frame's data goes to `on_done`, and a refusal clears the field and
/// shows why in `error`.
fn password_submit<F, Fut>(
    password: &UseStateHandle<String>,
    error: &UseStateHandle<Option<String>>,
    on_done: &Callback<AppInfo>,
    send: F,
) -> Callback<SubmitEvent>
where
    F: Fn(Password) -> Fut + 'static,
    Fut: std::future::Future<Output = Result<AppInfo, banco::ErrorPayload>> + 'static,
{
    let (password, error, on_done) = (password.clone(), error.clone(), on_done.clone());
    Callback::from(move |e: SubmitEvent| {
        e.prevent_default();
        let sent = send(Password((*password).clone()));
        let (password, error, on_done) = (password.clone(), error.clone(), on_done.clone());
        wasm_bindgen_futures::spawn_local(async move {
            match sent.await {
                Ok(info) => on_done.emit(info),
                Err(e) => {
                    password.set(String::new());
                    error.set(Some(error_text(&e)));
                }
            }
        });
    })
}

#[derive(Properties, PartialEq)]
pub struct LockProps {
    pub user: User,
    pub on_done: Callback<AppInfo>,
}

/// The lock screen: the same person's password, or another person signs in.
#[function_component(LockOverlay)]
pub fn lock_overlay(props: &LockProps) -> Html {
    let password = use_state(String::new);
    let error = use_state(|| None::<String>);
    let other = use_state(|| false);
    if *other {
        return html! { <div class="overlay lock"><SignInForm claim=false on_done={props.on_done.clone()} /></div> };
    }
    let on_submit = password_submit(&password, &error, &props.on_done, api::unlock_desk);
    html! {
        <div class="overlay lock">
            <form class="dialog" id="lock-dialog" onsubmit={on_submit}>
                <h2>{ tr("desk.locked_title") }</h2>
                <p id="lock-user">{ tr_with("desk.locked_intro", [("name", props.user.display_name.clone())]) }</p>
                { error.as_ref().map(|e| html! { <div id="unlock-error" class="banner error">{ e }</div> }).unwrap_or_default() }
                <label>{ tr("field.password") }{ bound_input("unlock-password", "password", &password, "current-password") }</label>
                <div class="actions">
                    <button id="unlock-other" type="button" onclick={{ let other = other.clone(); Callback::from(move |_| other.set(true)) }}>{ tr("desk.other_user") }</button>
                    <button id="unlock-submit" type="submit" class="primary">{ tr("desk.unlock") }</button>
                </div>
            </form>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct SwitchProps {
    /// Who is coming to the counter.
    pub user: User,
    pub on_done: Callback<AppInfo>,
    pub on_cancel: Callback<()>,
}

/// Switching who is at the counter: the person coming types their own
/// password or PIN.
#[function_component(SwitchDialog)]
pub fn switch_dialog(props: &SwitchProps) -> Html {
    let password = use_state(String::new);
    let error = use_state(|| None::<String>);
    let id = props.user.id;
    let on_submit = password_submit(&password, &error, &props.on_done, move |pw| {
        api::switch_user(id, pw)
    });
    let cancel = props.on_cancel.clone();
    html! {
        <div class="overlay">
            <form class="dialog" id="switch-dialog" onsubmit={on_submit}>
                <h2>{ tr_with("desk.switch_title", [("name", props.user.display_name.clone())]) }</h2>
                { if props.user.has_password { html! {} } else { html! { <p class="hint" id="switch-no-password">{ tr("desk.no_password") }</p> } } }
                { error.as_ref().map(|e| html! { <div id="switch-error" class="banner error">{ e }</div> }).unwrap_or_default() }
                <label>{ tr("field.password") }{ bound_input("switch-password", "password", &password, "off") }</label>
                <div class="actions">
                    <button id="switch-cancel" type="button" data-escape="true" onclick={Callback::from(move |_| cancel.emit(()))}>{ tr("common.cancel") }</button>
                    <button id="switch-submit" type="submit" class="primary">{ tr("desk.switch_submit") }</button>
                </div>
            </form>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct AccountProps {
    pub on_close: Callback<()>,
}

/// The signed-in person's own password.
#[function_component(AccountDialog)]
pub fn account_dialog(props: &AccountProps) -> Html {
    let current = use_state(String::new);
    let new = use_state(String::new);
    let confirm = use_state(String::new);
    let message = use_state(|| None::<(bool, String)>);
    let errors = use_state(Vec::new);
    let on_submit = {
        let (current, new, confirm, message, errors) = (
            current.clone(),
            new.clone(),
            confirm.clone(),
            message.clone(),
            errors.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *new != *confirm {
                message.set(Some((false, tr("desk.mismatch"))));
                return;
            }
            let (cur, next) = (Password((*current).clone()), Password((*new).clone()));
            let (current, new, confirm, message, errors) = (
                current.clone(),
                new.clone(),
                confirm.clone(),
                message.clone(),
                errors.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match api::change_password(cur, next).await {
                    Ok(()) => {
                        for s in [&current, &new, &confirm] {
                            s.set(String::new());
                        }
                        errors.set(Vec::new());
                        message.set(Some((true, tr("desk.password_changed"))));
                    }
                    Err(e) => {
                        errors.set(field_errors(&e));
                        message.set(Some((false, error_text(&e))));
                    }
                }
            });
        })
    };
    let close = props.on_close.clone();
    html! {
        <div class="overlay">
            <form class="dialog" id="account-dialog" onsubmit={on_submit}>
                <h2>{ tr("desk.account_title") }</h2>
                { message.as_ref().map(|(ok, m)| html!{ <div id="account-message" class={classes!("banner", if *ok { "ok" } else { "error" })}>{ m }</div> }).unwrap_or_default() }
                <label>{ tr("field.current_password") }{ bound_input("account-current", "password", &current, "current-password") }</label>
                <label>{ tr("field.new_password") }{ bound_input("account-new", "password", &new, "new-password") }{ error_for(&errors, "password") }</label>
                <label>{ tr("field.password_confirm") }{ bound_input("account-confirm", "password", &confirm, "new-password") }</label>
                <div class="actions">
                    <button id="account-close" type="button" data-escape="true" onclick={Callback::from(move |_| close.emit(()))}>{ tr("app.close") }</button>
                    <button id="account-save" type="submit" class="primary">{ tr("desk.change_password") }</button>
                </div>
            </form>
        </div>
    }
}
