//! Banco UI: a Yew app compiled to wasm by trunk and shown in the Tauri
//! window. Pages live in [`pages`]; [`api`] is the only module that calls
//! the shell; [`i18n`] holds every user-facing string. The domain model and
//! its validation come from the `banco` core crate (built without its
//! `store` feature), so the counter checks a phone exactly as the core does.
#![allow(missing_docs)]

use std::rc::Rc;

use banco::model::{AppInfo, CaptureLead};
use uuid::Uuid;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

mod api;
mod i18n;
mod pages;

use i18n::tr;

rust_i18n::i18n!("locales", fallback = "it");

/// The screens of the left navigation.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Counter,
    Leads,
    Deals,
    Dashboard,
    Import,
    Settings,
}

impl Screen {
    const ALL: [Screen; 6] = [
        Screen::Counter,
        Screen::Leads,
        Screen::Deals,
        Screen::Dashboard,
        Screen::Import,
        Screen::Settings,
    ];

    fn key(self) -> &'static str {
        match self {
            Screen::Counter => "nav.counter",
            Screen::Leads => "nav.leads",
            Screen::Deals => "nav.deals",
            Screen::Dashboard => "nav.dashboard",
            Screen::Import => "nav.import",
            Screen::Settings => "nav.settings",
        }
    }

    fn id(self) -> &'static str {
        match self {
            Screen::Counter => "nav-counter",
            Screen::Leads => "nav-leads",
            Screen::Deals => "nav-deals",
            Screen::Dashboard => "nav-dashboard",
            Screen::Import => "nav-import",
            Screen::Settings => "nav-settings",
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
}

#[function_component(App)]
fn app() -> Html {
    let info = use_state(|| None::<Rc<AppInfo>>);
    let error = use_state(|| None::<String>);
    let screen = use_state(|| Screen::Counter);
    let prefill = use_state(|| None::<Rc<CaptureLead>>);
    let counter_key = use_state(|| 0u32);
    let lang = use_state(|| {
        let l = i18n::saved_language();
        rust_i18n::set_locale(&l);
        l
    });
    {
        let (info, error) = (info.clone(), error.clone());
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                match api::app_info().await {
                    Ok(i) => info.set(Some(Rc::new(i))),
                    Err(e) => error.set(Some(i18n::error_text(&e))),
                }
            });
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
    };
    let on_switch = {
        let (shared, error) = (shared.clone(), error.clone());
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlSelectElement>().value();
            let Ok(id) = Uuid::parse_str(&value) else {
                return;
            };
            let (shared, error) = (shared.clone(), error.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::switch_user(id).await {
                    Ok(i) => shared.set_info.emit(i),
                    Err(e) => error.set(Some(i18n::error_text(&e))),
                }
            });
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
                    <label for="current_user">{ tr("app.at_counter") }</label>
                    <select id="current_user" name="current_user" onchange={on_switch}>
                        { for current.users.iter().filter(|u| u.active).map(|u| html! {
                            <option value={u.id.to_string()} selected={u.id == current.user.id}>
                                { format!("{} · {}", u.display_name, tr(&format!("role.{}", u.role.as_str()))) }
                            </option>
                        }) }
                    </select>
                </header>
                <nav>
                    { for Screen::ALL.iter().map(|s| {
                        let screen_state = screen.clone();
                        let s = *s;
                        html! {
                            <button id={s.id()} class={classes!((*screen == s).then_some("active"))}
                                onclick={Callback::from(move |_| screen_state.set(s))}>{ tr(s.key()) }</button>
                        }
                    }) }
                </nav>
                <main>
                    { error.as_ref().map(|e| html!{ <div class="banner error">{ e }</div> }) }
                    { match *screen {
                        Screen::Counter => html! { <pages::counter::Counter key={*counter_key} /> },
                        Screen::Leads => html! { <pages::leads::Leads /> },
                        Screen::Deals => html! { <pages::deals::Deals /> },
                        Screen::Dashboard => html! { <pages::dashboard::Dashboard /> },
                        Screen::Import => html! { <pages::import::Import /> },
                        Screen::Settings => html! { <pages::settings::Settings /> },
                    } }
                </main>
            </div>
        </ContextProvider<Shared>>
    }
}

fn main() {
    yew::Renderer::<App>::new().render();
}
