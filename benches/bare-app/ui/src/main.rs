//! The bare app's page: create-tauri-app's Yew template (a heading, a name
//! field and a button that calls the `greet` command).

use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["window", "__TAURI__", "core"])]
    async fn invoke(cmd: &str, args: JsValue) -> JsValue;
}

#[derive(Serialize)]
struct GreetArgs<'a> {
    name: &'a str,
}

#[function_component(App)]
fn app() -> Html {
    let input = use_node_ref();
    let name = use_state(String::new);
    let message = use_state(String::new);
    {
        let (name, message) = (name.clone(), message.clone());
        use_effect_with(name.clone(), move |_| {
            spawn_local(async move {
                if name.is_empty() {
                    return;
                }
                let Ok(args) = serde_wasm_bindgen::to_value(&GreetArgs { name: &name }) else {
                    return;
                };
                let reply = invoke("greet", args).await;
                message.set(reply.as_string().unwrap_or_default());
            });
        });
    }
    let greet = {
        let (name, input) = (name.clone(), input.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Some(field) = input.cast::<web_sys::HtmlInputElement>() {
                name.set(field.value());
            }
        })
    };
    html! {
        <main class="container">
            <h1 id="ready">{ "Welcome to Tauri + Yew" }</h1>
            <form class="row" onsubmit={greet}>
                <input id="greet-input" ref={input} placeholder="Enter a name..." />
                <button type="submit">{ "Greet" }</button>
            </form>
            <p>{ &*message }</p>
        </main>
    }
}

fn main() {
    yew::Renderer::<App>::new().render();
}
