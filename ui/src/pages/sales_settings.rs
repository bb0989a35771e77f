//! Settings of the sales process: campaigns (added, edited, archived) and
//! conversion rules (store managers and admins; the core refuses others
//! with a clear error).

use banco::model::{
    parse_money, Campaign, ConsentKind, ConversionRule, Interest, OwnerMode, Pipeline, RuleTrigger,
    SourceChannel,
};
use uuid::Uuid;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::format::money;
use crate::i18n::{error_text, field_error, tr, tr_with};
use crate::{api, Shared};

fn value_of(r: &NodeRef) -> String {
    r.cast::<HtmlSelectElement>()
        .map(|s| s.value())
        .or_else(|| r.cast::<HtmlInputElement>().map(|i| i.value()))
        .unwrap_or_default()
}

/// Sets an input's or a select's value.
fn set_value(r: &NodeRef, value: &str) {
    if let Some(s) = r.cast::<HtmlSelectElement>() {
        s.set_value(value);
    } else if let Some(i) = r.cast::<HtmlInputElement>() {
        i.set_value(value);
    }
}

/// The campaign form's fields.
#[derive(Clone)]
struct CampaignFields {
    name: NodeRef,
    channel: NodeRef,
    cost: NodeRef,
    pipeline: NodeRef,
    from: NodeRef,
    to: NodeRef,
    utm_source: NodeRef,
    utm_medium: NodeRef,
    utm_campaign: NodeRef,
}

impl CampaignFields {
    /// Puts `campaign` in the fields (its cost as `29,99`, its dates as
    /// the date inputs read them), or empties them for a new one.
    fn fill(&self, campaign: Option<&Campaign>) {
        let date = |d: Option<chrono::NaiveDate>| {
            d.map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default()
        };
        let text = |t: Option<&String>| t.cloned().unwrap_or_default();
        let c = campaign;
        set_value(&self.name, &c.map(|c| c.name.clone()).unwrap_or_default());
        set_value(
            &self.channel,
            c.map_or(SourceChannel::ALL[0].as_str(), |c| c.channel.as_str()),
        );
        set_value(
            &self.cost,
            &c.map(|c| crate::pages::deal_forms::major(c.cost_minor))
                .unwrap_or_default(),
        );
        set_value(
            &self.pipeline,
            &c.and_then(|c| c.default_pipeline_id)
                .map(|p| p.to_string())
                .unwrap_or_default(),
        );
        set_value(&self.from, &date(c.and_then(|c| c.starts_on)));
        set_value(&self.to, &date(c.and_then(|c| c.ends_on)));
        set_value(
            &self.utm_source,
            &text(c.and_then(|c| c.utm_source.as_ref())),
        );
        set_value(
            &self.utm_medium,
            &text(c.and_then(|c| c.utm_medium.as_ref())),
        );
        set_value(
            &self.utm_campaign,
            &text(c.and_then(|c| c.utm_campaign.as_ref())),
        );
    }
}

#[function_component(SalesSettings)]
pub fn sales_settings() -> Html {
    let shared = use_context::<Shared>().expect("Shared context");
    let pipelines = use_state(Vec::<Pipeline>::new);
    let campaigns = use_state(Vec::<Campaign>::new);
    let rules = use_state(Vec::<ConversionRule>::new);
    let message = use_state(|| None::<(bool, String)>);
    let generation = use_state(|| 0u32);
    {
        let (pipelines, campaigns, rules) = (pipelines.clone(), campaigns.clone(), rules.clone());
        use_effect_with(*generation, move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                if let Some(p) = api::shown(api::list_pipelines().await) {
                    pipelines.set(p);
                }
                if let Some(c) = api::shown(api::list_campaigns().await) {
                    campaigns.set(c);
                }
                if let Some(r) = api::shown(api::list_rules().await) {
                    rules.set(r);
                }
            });
        });
    }
    // Campaign form: a new campaign, or the one being edited (saved under
    // its own id; the core's save is an upsert). Its fields are not bound
    // to state: they are filled when "Edit" is pressed and emptied after a
    // save or "Cancel".
    let form = CampaignFields {
        name: use_node_ref(),
        channel: use_node_ref(),
        cost: use_node_ref(),
        pipeline: use_node_ref(),
        from: use_node_ref(),
        to: use_node_ref(),
        utm_source: use_node_ref(),
        utm_medium: use_node_ref(),
        utm_campaign: use_node_ref(),
    };
    let c_links = use_state(Vec::<Uuid>::new);
    let editing_campaign = use_state(|| None::<Campaign>);
    let edit_campaign = {
        let (form, links, editing) = (form.clone(), c_links.clone(), editing_campaign.clone());
        Callback::from(move |c: Option<Campaign>| {
            form.fill(c.as_ref());
            links.set(
                c.as_ref()
                    .map(|c| c.pipeline_ids.clone())
                    .unwrap_or_default(),
            );
            editing.set(c);
        })
    };
    let on_campaign = {
        let (form, links, editing, edit) = (
            form.clone(),
            c_links.clone(),
            editing_campaign.clone(),
            edit_campaign.clone(),
        );
        let (message, generation) = (message.clone(), generation.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let cost = value_of(&form.cost);
            let cost_minor = match parse_money(
                if cost.trim().is_empty() { "0" } else { &cost },
                "cost_minor",
            ) {
                Ok(v) => v,
                Err(err) => {
                    message.set(Some((false, field_error(&err))));
                    return;
                }
            };
            let date =
                |r: &NodeRef| chrono::NaiveDate::parse_from_str(&value_of(r), "%Y-%m-%d").ok();
            let text = |r: &NodeRef| Some(value_of(r)).filter(|v| !v.trim().is_empty());
            let existing = (*editing).clone();
            let campaign = Campaign {
                id: existing.as_ref().map(|c| c.id).unwrap_or_else(Uuid::now_v7),
                name: value_of(&form.name),
                channel: value_of(&form.channel)
                    .parse()
                    .unwrap_or(SourceChannel::Other),
                starts_on: date(&form.from),
                ends_on: date(&form.to),
                cost_minor,
                utm_source: text(&form.utm_source),
                utm_medium: text(&form.utm_medium),
                utm_campaign: text(&form.utm_campaign),
                default_pipeline_id: Uuid::parse_str(&value_of(&form.pipeline)).ok(),
                pipeline_ids: (*links).clone(),
                archived: existing.as_ref().is_some_and(|c| c.archived),
            };
            let (message, generation, edit) = (message.clone(), generation.clone(), edit.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::save_campaign(&campaign).await {
                    Ok(c) => {
                        edit.emit(None);
                        message.set(Some((
                            true,
                            tr_with("sales.campaign_saved", [("name", c.name)]),
                        )));
                        generation.set(generation.wrapping_add(1));
                    }
                    Err(e) => message.set(Some((false, error_text(&e)))),
                }
            });
        })
    };
    // Rule form.
    let (r_trigger, r_pipeline, r_interest, r_campaign, r_consent, r_owner) = (
        use_node_ref(),
        use_node_ref(),
        use_node_ref(),
        use_node_ref(),
        use_node_ref(),
        use_node_ref(),
    );
    // The rule being edited (the form then saves it under its own id).
    let editing_rule = use_state(|| None::<ConversionRule>);
    // The rule's name as typed. Kept in state, not read from the input:
    // Yew puts an input's `value` back on every render (the lists loading,
    // a message shown), which would wipe what was typed.
    let rule_name = use_state(String::new);
    let on_rule = {
        let editing = editing_rule.clone();
        let refs = (
            r_trigger.clone(),
            r_pipeline.clone(),
            r_interest.clone(),
            r_campaign.clone(),
            r_consent.clone(),
            r_owner.clone(),
        );
        let (message, generation, rules) = (message.clone(), generation.clone(), rules.clone());
        let name = rule_name.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (trigger, pipeline, interest, campaign, consent, owner) = &refs;
            let Ok(pipeline_id) = Uuid::parse_str(&value_of(pipeline)) else {
                message.set(Some((false, tr("sales.pipeline_required"))));
                return;
            };
            let owner = value_of(owner);
            let (owner_mode, owner_user_id) = match owner.as_str() {
                "lead_owner" => (OwnerMode::LeadOwner, None),
                "round_robin" => (OwnerMode::RoundRobin, None),
                id => (OwnerMode::User, Uuid::parse_str(id).ok()),
            };
            let existing = (*editing).clone();
            let rule = ConversionRule {
                id: existing.as_ref().map(|r| r.id).unwrap_or_else(Uuid::now_v7),
                name: (*name).clone(),
                position: existing
                    .as_ref()
                    .map(|r| r.position)
                    .unwrap_or(rules.len() as u32),
                active: existing.as_ref().map(|r| r.active).unwrap_or(true),
                trigger: value_of(trigger).parse().unwrap_or(RuleTrigger::Qualified),
                source_channel: None,
                campaign_id: Uuid::parse_str(&value_of(campaign)).ok(),
                interest: value_of(interest).parse().ok(),
                store_id: None,
                required_consent: value_of(consent).parse().ok(),
                pipeline_id,
                owner_mode,
                owner_user_id,
            };
            let (message, generation, name, editing) = (
                message.clone(),
                generation.clone(),
                name.clone(),
                editing.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match api::save_rule(&rule).await {
                    Ok(r) => {
                        name.set(String::new());
                        editing.set(None);
                        message.set(Some((
                            true,
                            tr_with("sales.rule_saved", [("name", r.name)]),
                        )));
                        generation.set(generation.wrapping_add(1));
                    }
                    Err(e) => message.set(Some((false, error_text(&e)))),
                }
            });
        })
    };
    // Saves rules (a toggled one, or two swapped in order) and reloads.
    let save_rules = {
        let (message, generation) = (message.clone(), generation.clone());
        Callback::from(move |changed: Vec<ConversionRule>| {
            let (message, generation) = (message.clone(), generation.clone());
            wasm_bindgen_futures::spawn_local(async move {
                for r in &changed {
                    if let Err(e) = api::save_rule(r).await {
                        message.set(Some((false, error_text(&e))));
                        break;
                    }
                }
                generation.set(generation.wrapping_add(1));
            });
        })
    };
    let archive_campaign = {
        let (message, generation) = (message.clone(), generation.clone());
        Callback::from(move |c: Campaign| {
            let (message, generation) = (message.clone(), generation.clone());
            wasm_bindgen_futures::spawn_local(async move {
                if let Err(e) = api::save_campaign(&c).await {
                    message.set(Some((false, error_text(&e))));
                }
                generation.set(generation.wrapping_add(1));
            });
        })
    };
    let pipeline_name = |id: Uuid| {
        pipelines
            .iter()
            .find(|p| p.id == id)
            .map(|p| p.name.clone())
            .unwrap_or_default()
    };
    let currency = shared.info.tenant.currency.clone();
    html! {
        <>
            { message.as_ref().map(|(ok, m)| html! { <div class={classes!("banner", if *ok { "ok" } else { "error" })} id="sales-message">{ m }</div> }) }
            <div class="card">
                <h2>{ tr("sales.rules") }</h2>
                <p class="hint">{ tr("sales.rules_hint") }</p>
                <ol id="rule-list">
                    { for rules.iter().enumerate().map(|(i, r)| {
                        let toggle = {
                            let (save, r) = (save_rules.clone(), r.clone());
                            Callback::from(move |_| save.emit(vec![ConversionRule { active: !r.active, ..r.clone() }]))
                        };
                        // Swap with the neighbour: positions become the list order.
                        let swap = |j: usize| {
                            let (save, all) = (save_rules.clone(), (*rules).clone());
                            Callback::from(move |_| {
                                let mut order = all.clone();
                                order.swap(i, j);
                                save.emit(order.into_iter().enumerate().map(|(k, r)| ConversionRule { position: k as u32, ..r }).collect());
                            })
                        };
                        html! {
                            <li class={classes!((!r.active).then_some("archived"))}>
                                { format!("{} — {} → {}", r.name, tr(&format!("trigger.{}", r.trigger.as_str())), pipeline_name(r.pipeline_id)) }
                                <span class="row-actions inline">
                                    <button class="small" disabled={i == 0} onclick={swap(i.saturating_sub(1))} title={tr("pipelines.up")}>{ "↑" }</button>
                                    <button class="small" disabled={i + 1 == rules.len()} onclick={swap((i + 1).min(rules.len() - 1))} title={tr("pipelines.down")}>{ "↓" }</button>
                                    <button class="small" onclick={toggle}>{ if r.active { tr("sales.deactivate") } else { tr("sales.activate") } }</button>
                                    <button class="small" onclick={{ let (editing, name, r) = (editing_rule.clone(), rule_name.clone(), r.clone()); Callback::from(move |_| { name.set(r.name.clone()); editing.set(Some(r.clone())) }) }}>{ tr("deals.edit") }</button>
                                </span>
                            </li>
                        }
                    }) }
                </ol>
                { {
                    let e = (*editing_rule).clone();
                    let owner_value = e.as_ref().map(|r| match r.owner_mode {
                        OwnerMode::LeadOwner => "lead_owner".to_string(),
                        OwnerMode::RoundRobin => "round_robin".to_string(),
                        OwnerMode::User => r.owner_user_id.map(|u| u.to_string()).unwrap_or_default(),
                    });
                    html! {
                <form id="rule-form" onsubmit={on_rule} class="grid2">
                    <div class="field"><label for="rule-name">{ tr("sales.rule_name") }</label><input id="rule-name" value={(*rule_name).clone()}
                        oninput={{ let name = rule_name.clone(); Callback::from(move |e: InputEvent| name.set(e.target_unchecked_into::<HtmlInputElement>().value())) }} /></div>
                    <div class="field"><label for="rule-trigger">{ tr("sales.trigger") }</label>
                        <select id="rule-trigger" ref={r_trigger}>
                            { for RuleTrigger::ALL.iter().map(|t| html! { <option value={t.as_str()} selected={e.as_ref().is_some_and(|r| r.trigger == *t)}>{ tr(&format!("trigger.{}", t.as_str())) }</option> }) }
                        </select></div>
                    <div class="field"><label for="rule-pipeline">{ tr("deals.pipeline") }</label>
                        <select id="rule-pipeline" ref={r_pipeline}>
                            { for pipelines.iter().filter(|p| !p.archived).map(|p| html! { <option value={p.id.to_string()} selected={e.as_ref().is_some_and(|r| r.pipeline_id == p.id)}>{ &p.name }</option> }) }
                        </select></div>
                    <div class="field"><label for="rule-interest">{ tr("field.interest") }</label>
                        <select id="rule-interest" ref={r_interest}>
                            <option value="" selected={e.as_ref().is_none_or(|r| r.interest.is_none())}>{ tr("filter.any") }</option>
                            { for Interest::ALL.iter().map(|i| html! { <option value={i.as_str()} selected={e.as_ref().is_some_and(|r| r.interest == Some(*i))}>{ tr(&format!("interest.{}", i.as_str())) }</option> }) }
                        </select></div>
                    <div class="field"><label for="rule-campaign">{ tr("deals.campaign") }</label>
                        <select id="rule-campaign" ref={r_campaign}>
                            <option value="" selected={e.as_ref().is_none_or(|r| r.campaign_id.is_none())}>{ tr("filter.any") }</option>
                            { for campaigns.iter().map(|c| html! { <option value={c.id.to_string()} selected={e.as_ref().is_some_and(|r| r.campaign_id == Some(c.id))}>{ &c.name }</option> }) }
                        </select></div>
                    <div class="field"><label for="rule-consent">{ tr("sales.consent") }</label>
                        <select id="rule-consent" ref={r_consent}>
                            { for ConsentKind::ALL.iter().map(|k| html! { <option value={k.as_str()} selected={e.as_ref().is_some_and(|r| r.required_consent == Some(*k))}>{ tr(&format!("consent.{}", k.as_str())) }</option> }) }
                            <option value="" selected={e.as_ref().is_some_and(|r| r.required_consent.is_none())}>{ tr("sales.no_consent_check") }</option>
                        </select></div>
                    <div class="field"><label for="rule-owner">{ tr("deals.owner") }</label>
                        <select id="rule-owner" ref={r_owner}>
                            <option value="lead_owner" selected={owner_value.as_deref() == Some("lead_owner")}>{ tr("owner_mode.lead_owner") }</option>
                            <option value="round_robin" selected={owner_value.as_deref() == Some("round_robin")}>{ tr("owner_mode.round_robin") }</option>
                            { for shared.info.users.iter().filter(|u| u.active).map(|u| html! { <option value={u.id.to_string()} selected={owner_value.as_deref() == Some(u.id.to_string().as_str())}>{ &u.display_name }</option> }) }
                        </select></div>
                    <div class="actions">
                        <button type="submit" class="primary" id="rule-save">{ if e.is_some() { tr("deals.save") } else { tr("sales.add_rule") } }</button>
                        { e.is_some().then(|| html! { <button type="button" onclick={{ let (editing, name) = (editing_rule.clone(), rule_name.clone()); Callback::from(move |_| { name.set(String::new()); editing.set(None) }) }}>{ tr("common.cancel") }</button> }) }
                    </div>
                </form>
                    }
                } }
            </div>
            <div class="card">
                <h2>{ tr("sales.campaigns") }</h2>
                <ul id="campaign-list">
                    { for campaigns.iter().map(|c| html! {
                        <li class={classes!(c.archived.then_some("archived"))} data-campaign={c.name.clone()}>{ format!("{} — {} · {}", c.name, tr(&format!("source.{}", c.channel.as_str())), money(c.cost_minor, &currency, &shared.lang)) }
                            { c.default_pipeline_id.map(|p| format!(" → {}", pipeline_name(p))).unwrap_or_default() }
                            { (!c.pipeline_ids.is_empty()).then(|| format!(" (+ {})", c.pipeline_ids.iter().map(|p| pipeline_name(*p)).collect::<Vec<_>>().join(", "))) }
                            { match (c.starts_on, c.ends_on) {
                                (None, None) => String::new(),
                                (a, b) => format!(" · {} – {}", a.map(|d| d.format("%d/%m/%Y").to_string()).unwrap_or_default(), b.map(|d| d.format("%d/%m/%Y").to_string()).unwrap_or_default()),
                            } }
                            <span class="row-actions inline">
                            <button class="small" onclick={{ let (archive, c) = (archive_campaign.clone(), c.clone());
                                Callback::from(move |_| archive.emit(Campaign { archived: !c.archived, ..c.clone() })) }}>
                                { if c.archived { tr("pipelines.restore") } else { tr("pipelines.archive") } }</button>
                            <button class="small edit-campaign" onclick={{ let (edit, c) = (edit_campaign.clone(), c.clone()); Callback::from(move |_| edit.emit(Some(c.clone()))) }}>{ tr("deals.edit") }</button>
                            </span></li>
                    }) }
                </ul>
                <form id="campaign-form" onsubmit={on_campaign} class="grid2">
                    <div class="field"><label for="campaign-name">{ tr("sales.campaign_name") }</label><input id="campaign-name" ref={form.name.clone()} /></div>
                    <div class="field"><label for="campaign-channel">{ tr("sales.channel") }</label>
                        <select id="campaign-channel" ref={form.channel.clone()}>
                            { for SourceChannel::ALL.iter().map(|s| html! { <option value={s.as_str()}>{ tr(&format!("source.{}", s.as_str())) }</option> }) }
                        </select></div>
                    <div class="field"><label for="campaign-cost">{ tr("sales.cost") }</label><input id="campaign-cost" inputmode="decimal" ref={form.cost.clone()} /></div>
                    <div class="field"><label for="campaign-pipeline">{ tr("sales.default_pipeline") }</label>
                        <select id="campaign-pipeline" ref={form.pipeline.clone()}>
                            <option value="">{ "—" }</option>
                            { for pipelines.iter().filter(|p| !p.archived).map(|p| html! { <option value={p.id.to_string()}>{ &p.name }</option> }) }
                        </select></div>
                    <div class="field"><label for="campaign-from">{ tr("kpi.from") }</label><input type="date" id="campaign-from" ref={form.from.clone()} /></div>
                    <div class="field"><label for="campaign-to">{ tr("kpi.to") }</label><input type="date" id="campaign-to" ref={form.to.clone()} /></div>
                    <div class="field"><label for="campaign-utm-source">{ "utm_source" }</label><input id="campaign-utm-source" ref={form.utm_source.clone()} /></div>
                    <div class="field"><label for="campaign-utm-medium">{ "utm_medium" }</label><input id="campaign-utm-medium" ref={form.utm_medium.clone()} /></div>
                    <div class="field"><label for="campaign-utm-campaign">{ "utm_campaign" }</label><input id="campaign-utm-campaign" ref={form.utm_campaign.clone()} /></div>
                    <fieldset class="field"><legend>{ tr("sales.linked_pipelines") }</legend>
                        { for pipelines.iter().filter(|p| !p.archived).map(|p| {
                            let (links, id) = (c_links.clone(), p.id);
                            let onchange = Callback::from(move |e: Event| {
                                let on = e.target_unchecked_into::<HtmlInputElement>().checked();
                                let mut next: Vec<Uuid> = (*links).iter().copied().filter(|x| *x != id).collect();
                                if on { next.push(id); }
                                links.set(next);
                            });
                            html! { <label class="inline"><input type="checkbox" checked={c_links.contains(&p.id)} {onchange} />{ &p.name }</label> }
                        }) }
                    </fieldset>
                    <div class="actions">
                        <button type="submit" id="campaign-save" class="primary">{ if editing_campaign.is_some() { tr("sales.save_campaign") } else { tr("sales.add_campaign") } }</button>
                        { editing_campaign.is_some().then(|| html! {
                            <button type="button" id="campaign-cancel" class="secondary" onclick={{ let edit = edit_campaign.clone(); Callback::from(move |_| edit.emit(None)) }}>{ tr("common.cancel") }</button>
                        }) }
                    </div>
                </form>
            </div>
        </>
    }
}
