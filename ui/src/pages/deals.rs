//! The Deals screen: a kanban board per pipeline (a column per stage with
//! count, total and weighted value; drag and drop; keyboard moves), a list
//! view with the same filters and CSV export, and the deal detail with its
//! lines, contract and timeline.
//!
//! Keyboard on a selected card: `→` / `←` move it to the next / previous
//! stage, `W` marks it won, `L` lost (asks for the reason), `Enter` opens it.

use banco::model::{
    Board, Campaign, DealCard, DealDetail, DealEventKind, DealFilter, DealListItem, DealMove,
    DealQuery, DealSort, DealStatus, LostReason, Page, Pipeline,
};
use chrono::NaiveDate;
use uuid::Uuid;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::format::{local_time, money};
use crate::i18n::{error_text, tr, tr_with};
use crate::widgets::export::ExportFormatPicker;
use crate::widgets::form::select_value;
use crate::{api, Shared};

/// Cards loaded per column at first, and added by "show more"; the header
/// counts and sums every deal.
const CARDS_PER_COLUMN: u64 = 100;

#[derive(Clone, Copy, PartialEq)]
enum View {
    Board,
    List,
}

#[derive(Clone, PartialEq)]
enum Dialog {
    Won(Uuid),
    Lost(Uuid),
}

fn focus_card(id: Uuid) {
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(&format!("deal-{id}")))
        .and_then(|e| e.dyn_into::<HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}

#[function_component(Deals)]
pub fn deals() -> Html {
    let shared = use_context::<Shared>().expect("Shared context");
    let pipelines = use_state(Vec::<Pipeline>::new);
    let campaigns = use_state(Vec::<Campaign>::new);
    let reasons = use_state(Vec::<LostReason>::new);
    let filter = use_state(DealFilter::default);
    let view = use_state(|| View::Board);
    let board = use_state(|| None::<Board>);
    let list = use_state(|| None::<Page<DealListItem>>);
    let sort = use_state(|| DealSort::CreatedDesc);
    let selected = use_state(|| None::<Uuid>);
    let dragged = use_mut_ref(|| None::<Uuid>);
    let dialog = use_state(|| None::<Dialog>);
    let detail = use_state(|| None::<DealDetail>);
    let error = use_state(|| None::<String>);
    let notice = use_state(|| None::<String>);
    let export_format = use_state(|| banco::model::ExportFormat::ExcelIt);
    let generation = use_state(|| 0u32);
    let editing = use_state(|| false);
    let per_column = use_state(|| CARDS_PER_COLUMN);
    let creating = use_state(|| false);

    {
        let (pipelines, campaigns, reasons, filter, error) = (
            pipelines.clone(),
            campaigns.clone(),
            reasons.clone(),
            filter.clone(),
            error.clone(),
        );
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                match api::list_pipelines().await {
                    Ok(p) => {
                        if let Some(first) = p.iter().find(|p| !p.archived) {
                            filter.set(DealFilter {
                                pipeline_id: Some(first.id),
                                ..(*filter).clone()
                            });
                        }
                        pipelines.set(p);
                    }
                    Err(e) => error.set(Some(error_text(&e))),
                }
                if let Some(c) = api::shown(api::list_campaigns().await) {
                    campaigns.set(c);
                }
                if let Some(r) = api::shown(api::lost_reasons().await) {
                    reasons.set(r);
                }
            });
        });
    }
    {
        let (board, list, error) = (board.clone(), list.clone(), error.clone());
        // Another desk's change (data_version) reloads the board as well.
        let changed = shared.data_version;
        // An answer that comes back after a newer load was asked for (a
        // filter clicked meanwhile) is dropped, so the screen never ends on
        // an older filter's rows.
        let latest = crate::widgets::latest::use_latest();
        use_effect_with(
            (
                (*filter).clone(),
                *view,
                *sort,
                *generation,
                *per_column,
                changed,
            ),
            move |(f, v, s, _, n, _)| {
                let (f, v, s, n) = (f.clone(), *v, *s, *n);
                let current = latest.ask();
                wasm_bindgen_futures::spawn_local(async move {
                    if f.pipeline_id.is_none() {
                        return;
                    }
                    match v {
                        View::Board => match api::deal_board(&f, n).await {
                            Ok(b) if current() => board.set(Some(b)),
                            Ok(_) => {}
                            Err(e) => error.set(Some(error_text(&e))),
                        },
                        View::List => {
                            let q = DealQuery {
                                filter: f,
                                sort: s,
                                offset: 0,
                                limit: 200,
                            };
                            match api::list_deals(&q).await {
                                Ok(p) if current() => list.set(Some(p)),
                                Ok(_) => {}
                                Err(e) => error.set(Some(error_text(&e))),
                            }
                        }
                    }
                });
            },
        );
    }

    // After the board re-renders, keep the keyboard on the selected card
    // (a moved card is a new element in another column).
    {
        let selected = selected.clone();
        use_effect_with((*board).clone(), move |_| {
            if let Some(id) = *selected {
                focus_card(id);
            }
        });
    }
    let reload = {
        let generation = generation.clone();
        Callback::from(move |_: ()| generation.set(generation.wrapping_add(1)))
    };
    // Every change of the shown detail bumps this; a detail fetch that
    // comes back after a newer change (a save, a move) is dropped.
    let detail_seq = use_mut_ref(|| 0u64);
    let open_detail = {
        let (detail, error, seq) = (detail.clone(), error.clone(), detail_seq.clone());
        Callback::from(move |id: Uuid| {
            let (detail, error, seq) = (detail.clone(), error.clone(), seq.clone());
            *seq.borrow_mut() += 1;
            let mine = *seq.borrow();
            wasm_bindgen_futures::spawn_local(async move {
                match api::deal_detail(id).await {
                    Ok(d) if *seq.borrow() == mine => detail.set(Some(d)),
                    Ok(_) => {}
                    Err(e) => error.set(Some(error_text(&e))),
                }
            });
        })
    };
    let close_detail = {
        let (detail, editing, seq) = (detail.clone(), editing.clone(), detail_seq.clone());
        Callback::from(move |_: MouseEvent| {
            // A read still on its way (another desk's change, a move) must
            // not open the panel again once it is closed.
            *seq.borrow_mut() += 1;
            editing.set(false);
            detail.set(None)
        })
    };
    {
        // Another desk's change (data_version): the open deal is read again,
        // so its panel (and an editor open on it) shows what was saved.
        let (open, detail) = (open_detail.clone(), detail.clone());
        let changed = shared.data_version;
        let first = use_mut_ref(|| true);
        use_effect_with(changed, move |_| {
            if std::mem::replace(&mut *first.borrow_mut(), false) {
                return;
            }
            if let Some(id) = detail.as_ref().map(|d| d.deal.id) {
                open.emit(id);
            }
        });
    }
    {
        // Opened from the search box or a record card: show that deal.
        let (open, focus) = (open_detail.clone(), shared.focus_deal);
        use_effect_with((), move |_| {
            if let Some(id) = focus {
                open.emit(id);
            }
        });
    }
    let do_move = {
        let (error, notice, reload, detail, seq) = (
            error.clone(),
            notice.clone(),
            reload.clone(),
            detail.clone(),
            detail_seq.clone(),
        );
        Callback::from(move |(id, mv): (Uuid, DealMove)| {
            let (error, notice, reload, detail, seq) = (
                error.clone(),
                notice.clone(),
                reload.clone(),
                detail.clone(),
                seq.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match api::move_deal(id, &mv).await {
                    Ok(d) => {
                        error.set(None);
                        let key = match d.deal.status {
                            DealStatus::Won => "deals.marked_won",
                            DealStatus::Lost => "deals.marked_lost",
                            DealStatus::Open => "deals.moved",
                        };
                        let stage = d
                            .pipeline
                            .stage(d.deal.stage_id)
                            .map(|s| s.name.clone())
                            .unwrap_or_default();
                        notice.set(Some(tr_with(
                            key,
                            [("title", d.deal.title.clone()), ("stage", stage)],
                        )));
                        if detail.as_ref().is_some_and(|x| x.deal.id == d.deal.id) {
                            *seq.borrow_mut() += 1;
                            detail.set(Some(d));
                        }
                        reload.emit(());
                    }
                    Err(e) => error.set(Some(error_text(&e))),
                }
            });
        })
    };

    let lang = shared.lang.clone();
    let currency = shared.info.tenant.currency.clone();

    // Filters.
    let set_filter = |f: fn(&mut DealFilter, String)| {
        let filter = filter.clone();
        Callback::from(move |e: Event| {
            let mut next = (*filter).clone();
            f(&mut next, select_value(&e));
            filter.set(next);
        })
    };
    let on_pipeline = set_filter(|f, v| f.pipeline_id = Uuid::parse_str(&v).ok());
    let on_owner = set_filter(|f, v| f.owner_id = Uuid::parse_str(&v).ok());
    let on_store = set_filter(|f, v| f.store_id = Uuid::parse_str(&v).ok());
    let on_campaign = set_filter(|f, v| f.campaign_id = Uuid::parse_str(&v).ok());
    let on_segment = set_filter(|f, v| f.segment = v.parse::<banco::model::Segment>().ok());
    let date_filter = |f: fn(&mut DealFilter, Option<NaiveDate>)| {
        let filter = filter.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlInputElement>().value();
            let mut next = (*filter).clone();
            f(&mut next, NaiveDate::parse_from_str(&v, "%Y-%m-%d").ok());
            filter.set(next);
        })
    };
    let on_from = date_filter(|f, d| f.expected_from = d);
    let on_to = date_filter(|f, d| f.expected_to = d);
    let on_export = {
        let (filter, notice, error, format) = (
            filter.clone(),
            notice.clone(),
            error.clone(),
            *export_format,
        );
        Callback::from(move |_| {
            let (f, notice, error) = ((*filter).clone(), notice.clone(), error.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::export_deals_csv(&f, format).await {
                    Ok(Some(path)) => notice.set(Some(tr_with("deals.exported", [("path", path)]))),
                    Ok(None) => {}
                    Err(e) => error.set(Some(error_text(&e))),
                }
            });
        })
    };

    let toolbar = html! {
        <div class="filters">
            <label>{ tr("deals.pipeline") }
                <select id="deal-pipeline" onchange={on_pipeline}>
                    { for pipelines.iter().filter(|p| !p.archived).map(|p| html! {
                        <option value={p.id.to_string()} selected={Some(p.id) == filter.pipeline_id}>{ &p.name }</option>
                    }) }
                </select>
            </label>
            <label>{ tr("deals.owner") }
                <select id="deal-owner" onchange={on_owner}>
                    <option value="">{ tr("filter.all") }</option>
                    { for shared.info.users.iter().map(|u| html! {
                        <option value={u.id.to_string()} selected={Some(u.id) == filter.owner_id}>{ &u.display_name }</option>
                    }) }
                </select>
            </label>
            <label>{ tr("field.store_id") }
                <select id="deal-store" onchange={on_store}>
                    <option value="">{ tr("filter.all") }</option>
                    { for shared.info.stores.iter().map(|s| html! {
                        <option value={s.id.to_string()} selected={Some(s.id) == filter.store_id}>{ &s.name }</option>
                    }) }
                </select>
            </label>
            <label>{ tr("deals.campaign") }
                <select id="deal-campaign" onchange={on_campaign}>
                    <option value="">{ tr("filter.all") }</option>
                    { for campaigns.iter().map(|c| html! {
                        <option value={c.id.to_string()} selected={Some(c.id) == filter.campaign_id}>{ &c.name }</option>
                    }) }
                </select>
            </label>
            <label>{ tr("segments.segment") }
                <select id="deal-segment" onchange={on_segment}>
                    <option value="">{ tr("filter.all") }</option>
                    { for banco::model::Segment::ALL.iter().map(|s| html! {
                        <option value={s.as_str()} selected={Some(*s) == filter.segment}>{ tr(&format!("segment.{}", s.as_str())) }</option>
                    }) }
                </select>
            </label>
            <label>{ tr("deals.expected_from") }<input type="date" onchange={on_from} /></label>
            <label>{ tr("deals.expected_to") }<input type="date" onchange={on_to} /></label>
            <label class="inline">
                <input type="checkbox" id="deal-no-customer" checked={filter.no_customer}
                    onchange={{ let filter = filter.clone(); Callback::from(move |e: Event| {
                        let mut next = (*filter).clone();
                        next.no_customer = e.target_unchecked_into::<HtmlInputElement>().checked();
                        filter.set(next)
                    }) }} />
                { tr("deals.filter_no_customer") }
            </label>
            <crate::widgets::custom_fields::CustomFilter entity_type={banco::model::EntityType::Deal}
                on_change={{ let filter = filter.clone(); Callback::from(move |c: Vec<(String, String)>| { let mut next = (*filter).clone(); next.custom = c; filter.set(next) }) }} />
            <span class="spacer"></span>
            <button id="view-board" class={classes!((*view == View::Board).then_some("active"))}
                onclick={{ let view = view.clone(); Callback::from(move |_| view.set(View::Board)) }}>{ tr("deals.board") }</button>
            <button id="view-list" class={classes!((*view == View::List).then_some("active"))}
                onclick={{ let view = view.clone(); Callback::from(move |_| view.set(View::List)) }}>{ tr("deals.list") }</button>
            { if shared.can_manage() { html! { <><ExportFormatPicker id="deals-export-format" format={export_format.clone()} /><button id="deals-export" onclick={on_export}>{ tr("deals.export_csv") }</button></> } } else { html! {} } }
            <button id="deal-new" class="primary" onclick={{ let creating = creating.clone(); Callback::from(move |_| creating.set(true)) }}>{ tr("deals.new") }</button>
        </div>
    };

    let body = match (*view, &*board, &*list) {
        (View::Board, Some(b), _) if Some(b.pipeline.id) == filter.pipeline_id => {
            let stages: Vec<Uuid> = b.columns.iter().map(|c| c.stage.id).collect();
            html! {
                <div class="board" id="board">
                    { for b.columns.iter().enumerate().map(|(i, col)| {
                        let stage_id = col.stage.id;
                        let ondragover = Callback::from(|e: DragEvent| e.prevent_default());
                        let ondrop = {
                            let (dragged, do_move) = (dragged.clone(), do_move.clone());
                            Callback::from(move |e: DragEvent| {
                                e.prevent_default();
                                if let Some(id) = dragged.borrow_mut().take() {
                                    do_move.emit((id, DealMove::Stage { stage_id }));
                                }
                            })
                        };
                        html! {
                            <section class="column" data-stage={col.stage.name.clone()} {ondragover} {ondrop}>
                                <header>
                                    <strong>{ &col.stage.name }</strong>
                                    <span class="count">{ col.count }</span>
                                    <div class="column-sums">
                                        <span title={tr("deals.total")}>{ money(col.total_minor, &currency, &lang) }</span>
                                        { " · " }
                                        <span title={tr("deals.weighted")}>{ tr_with("deals.weighted_short", [("value", money(col.weighted_minor, &currency, &lang))]) }</span>
                                    </div>
                                </header>
                                { for col.cards.iter().map(|card| card_html(card, i, &stages, &selected, &dragged, &dialog, &do_move, &open_detail, &currency, &lang)) }
                                { (col.count as usize > col.cards.len()).then(|| {
                                    let per_column = per_column.clone();
                                    let more = Callback::from(move |_| per_column.set(*per_column + CARDS_PER_COLUMN));
                                    html! {
                                        <button class="small more" onclick={more}>{ tr_with("deals.more_cards", [("n", (col.count as usize - col.cards.len()).to_string())]) }</button>
                                    }
                                }) }
                            </section>
                        }
                    }) }
                    // Dropping a card here asks what closing it needs.
                    <div class="drop-zones">
                        { for [("won", tr("deals.drop_won")), ("lost", tr("deals.drop_lost"))].into_iter().map(|(kind, label)| {
                            let (dragged, dialog) = (dragged.clone(), dialog.clone());
                            let ondrop = Callback::from(move |e: DragEvent| {
                                e.prevent_default();
                                if let Some(id) = dragged.borrow_mut().take() {
                                    dialog.set(Some(if kind == "won" { Dialog::Won(id) } else { Dialog::Lost(id) }));
                                }
                            });
                            html! {
                                <section class={classes!("drop-zone", kind)} id={format!("drop-{kind}")}
                                    ondragover={Callback::from(|e: DragEvent| e.prevent_default())} {ondrop}>{ label }</section>
                            }
                        }) }
                    </div>
                </div>
            }
        }
        (View::List, _, Some(page)) => {
            let on_sort = {
                let sort = sort.clone();
                Callback::from(move |e: Event| {
                    sort.set(match select_value(&e).as_str() {
                        "value" => DealSort::ValueDesc,
                        "close" => DealSort::ExpectedCloseAsc,
                        "title" => DealSort::TitleAsc,
                        _ => DealSort::CreatedDesc,
                    })
                })
            };
            html! {
                <>
                    <label>{ tr("leads.sort") }
                        <select id="deal-sort" onchange={on_sort}>
                            <option value="newest">{ tr("deals.sort_newest") }</option>
                            <option value="value">{ tr("deals.sort_value") }</option>
                            <option value="close">{ tr("deals.sort_close") }</option>
                            <option value="title">{ tr("deals.sort_title") }</option>
                        </select>
                    </label>
                    <p class="muted">{ tr_with("deals.count", [("n", page.total.to_string())]) }</p>
                    <table class="list" id="deal-list">
                        <thead><tr>
                            <th>{ tr("deals.title") }</th><th>{ tr("deals.customer") }</th><th>{ tr("deals.stage") }</th>
                            <th>{ tr("deals.status") }</th><th>{ tr("deals.value") }</th><th>{ tr("deals.owner") }</th><th>{ tr("deals.expected_close") }</th>
                        </tr></thead>
                        <tbody>
                            { for page.items.iter().map(|d| {
                                let id = d.card.id;
                                let open = open_detail.clone();
                                let open_key = open_detail.clone();
                                let onkeydown = Callback::from(move |e: KeyboardEvent| if e.key() == "Enter" { open_key.emit(id) });
                                html! {
                                    <tr tabindex="0" onclick={Callback::from(move |_| open.emit(id))} {onkeydown}>
                                        <td>{ &d.card.title }</td>
                                        <td>{ d.card.person_name.clone().or(d.card.company_name.clone()).unwrap_or_default() }</td>
                                        <td>{ &d.stage_name }</td>
                                        <td>{ tr(&format!("deal_status.{}", d.status.as_str())) }</td>
                                        <td class="num">{ money(d.card.value_minor, &currency, &lang) }</td>
                                        <td>{ d.card.owner_name.clone().unwrap_or_default() }</td>
                                        <td>{ d.card.expected_close.map(|x| x.format("%d/%m/%Y").to_string()).unwrap_or_default() }</td>
                                    </tr>
                                }
                            }) }
                        </tbody>
                    </table>
                </>
            }
        }
        _ => html! { <p>{ tr("app.loading") }</p> },
    };

    let dialog_html = match (*dialog).clone() {
        None => html! {},
        Some(Dialog::Won(id)) => {
            let start = NodeRef::default();
            let confirm = {
                let (dialog, do_move, start) = (dialog.clone(), do_move.clone(), start.clone());
                Callback::from(move |_| {
                    let d = start
                        .cast::<HtmlInputElement>()
                        .and_then(|i| NaiveDate::parse_from_str(&i.value(), "%Y-%m-%d").ok());
                    do_move.emit((id, DealMove::Won { contract_start: d }));
                    dialog.set(None);
                })
            };
            html! {
                <div class="dialog" role="dialog" id="won-dialog">
                    <h3>{ tr("deals.win_title") }</h3>
                    <label>{ tr("deals.contract_start") }<input type="date" id="contract-start" ref={start} /></label>
                    <div class="actions">
                        <button id="won-confirm" class="primary" onclick={confirm}>{ tr("deals.mark_won") }</button>
                        <button data-escape="true" onclick={{ let dialog = dialog.clone(); Callback::from(move |_| dialog.set(None)) }}>{ tr("common.cancel") }</button>
                    </div>
                </div>
            }
        }
        Some(Dialog::Lost(id)) => {
            let reason = NodeRef::default();
            let note = NodeRef::default();
            let confirm = {
                let (dialog, do_move, reason, note) = (
                    dialog.clone(),
                    do_move.clone(),
                    reason.clone(),
                    note.clone(),
                );
                Callback::from(move |_| {
                    let r = reason
                        .cast::<HtmlSelectElement>()
                        .and_then(|s| Uuid::parse_str(&s.value()).ok());
                    let n = note.cast::<HtmlInputElement>().map(|i| i.value());
                    do_move.emit((
                        id,
                        DealMove::Lost {
                            reason_id: r,
                            note: n,
                        },
                    ));
                    dialog.set(None);
                })
            };
            html! {
                <div class="dialog" role="dialog" id="lost-dialog">
                    <h3>{ tr("deals.lose_title") }</h3>
                    <label>{ tr("deals.lost_reason") }
                        <select id="lost-reason" ref={reason}>
                            <option value="">{ tr("deals.choose_reason") }</option>
                            { for reasons.iter().filter(|r| !r.archived).map(|r| html! { <option value={r.id.to_string()}>{ &r.label }</option> }) }
                        </select>
                    </label>
                    <label>{ tr("deals.lost_note") }<input id="lost-note" ref={note} /></label>
                    <div class="actions">
                        <button id="lost-confirm" class="primary" onclick={confirm}>{ tr("deals.mark_lost") }</button>
                        <button data-escape="true" onclick={{ let dialog = dialog.clone(); Callback::from(move |_| dialog.set(None)) }}>{ tr("common.cancel") }</button>
                    </div>
                </div>
            }
        }
    };

    html! {
        <div class="page deals">
            <h2>{ tr("nav.deals") }</h2>
            { error.as_ref().map(|e| html! { <div class="banner error" role="alert">{ e }</div> }) }
            { notice.as_ref().map(|n| html! { <div class="banner ok" id="deal-notice" role="status">{ n }</div> }) }
            { toolbar }
            <p class="muted hint">{ tr("deals.keyboard_hint") }</p>
            { body }
            { dialog_html }
            { creating.then(|| {
                let on_done = {
                    let (creating, detail, reload, seq) = (creating.clone(), detail.clone(), reload.clone(), detail_seq.clone());
                    Callback::from(move |d: Option<DealDetail>| {
                        creating.set(false);
                        if let Some(d) = d {
                            *seq.borrow_mut() += 1;
                            detail.set(Some(d));
                            reload.emit(());
                        }
                    })
                };
                html! { <super::deal_forms::NewDealForm pipeline_id={filter.pipeline_id} {on_done} /> }
            }) }
            { detail.as_ref().map(|d| {
                let on_saved = {
                    let (editing, detail, reload, seq) = (editing.clone(), detail.clone(), reload.clone(), detail_seq.clone());
                    Callback::from(move |d: DealDetail| {
                        *seq.borrow_mut() += 1;
                        editing.set(false);
                        detail.set(Some(d));
                        reload.emit(());
                    })
                };
                detail_html(d, &shared, &editing, on_saved, close_detail.clone(), &dialog, &currency, &lang)
            }) }
        </div>
    }
}

#[allow(clippy::too_many_arguments)]
fn card_html(
    card: &DealCard,
    column: usize,
    stages: &[Uuid],
    selected: &UseStateHandle<Option<Uuid>>,
    dragged: &std::rc::Rc<std::cell::RefCell<Option<Uuid>>>,
    dialog: &UseStateHandle<Option<Dialog>>,
    do_move: &Callback<(Uuid, DealMove)>,
    open_detail: &Callback<Uuid>,
    currency: &str,
    lang: &str,
) -> Html {
    let id = card.id;
    let onkeydown = {
        let (stages, selected, dialog, do_move, open_detail) = (
            stages.to_vec(),
            selected.clone(),
            dialog.clone(),
            do_move.clone(),
            open_detail.clone(),
        );
        Callback::from(move |e: KeyboardEvent| {
            let target = match e.key().as_str() {
                "ArrowRight" => stages.get(column + 1).copied(),
                "ArrowLeft" => column.checked_sub(1).and_then(|c| stages.get(c).copied()),
                "w" | "W" => {
                    e.prevent_default();
                    dialog.set(Some(Dialog::Won(id)));
                    return;
                }
                "l" | "L" => {
                    e.prevent_default();
                    dialog.set(Some(Dialog::Lost(id)));
                    return;
                }
                "Enter" => {
                    open_detail.emit(id);
                    return;
                }
                _ => return,
            };
            e.prevent_default();
            if let Some(stage_id) = target {
                selected.set(Some(id));
                do_move.emit((id, DealMove::Stage { stage_id }));
            }
        })
    };
    let onfocus = {
        let selected = selected.clone();
        Callback::from(move |_| selected.set(Some(id)))
    };
    let ondragstart = {
        let dragged = dragged.clone();
        Callback::from(move |_: DragEvent| *dragged.borrow_mut() = Some(id))
    };
    let onclick = {
        let open_detail = open_detail.clone();
        Callback::from(move |_| open_detail.emit(id))
    };
    html! {
        <article key={id.to_string()} class={classes!("deal-card", (**selected == Some(id)).then_some("selected"))} id={format!("deal-{id}")}
            tabindex="0" draggable="true" {onkeydown} {onfocus} {ondragstart} ondblclick={onclick}>
            <div class="card-title">{ &card.title }</div>
            <div class="muted">{ card.person_name.clone().or(card.company_name.clone()).unwrap_or_default() }</div>
            <div class="card-foot">
                <span>{ money(card.value_minor, currency, lang) }</span>
                <span>{ format!("{} %", card.probability) }</span>
                <span>{ card.owner_name.clone().unwrap_or_default() }</span>
            </div>
            { card.expected_close.map(|d| html! { <div class="muted">{ tr_with("deals.expected_on", [("date", d.format("%d/%m/%Y").to_string())]) }</div> }) }
        </article>
    }
}

#[allow(clippy::too_many_arguments)]
fn detail_html(
    d: &DealDetail,
    shared: &Shared,
    editing: &UseStateHandle<bool>,
    on_saved: Callback<DealDetail>,
    close: Callback<MouseEvent>,
    dialog: &UseStateHandle<Option<Dialog>>,
    currency: &str,
    lang: &str,
) -> Html {
    let stage_name = |id: Option<Uuid>| {
        id.and_then(|id| d.pipeline.stage(id))
            .map(|s| s.name.clone())
            .unwrap_or_default()
    };
    let id = d.deal.id;
    let cross_sell = {
        let shared = shared.clone();
        Callback::from(move |_| {
            let shared = shared.clone();
            wasm_bindgen_futures::spawn_local(async move {
                if let Some(template) = api::shown(api::cross_sell(id).await) {
                    shared.open_counter.emit(template);
                }
            });
        })
    };
    html! {
        <aside class="detail" id="deal-detail">
            <button class="close" data-escape="true" onclick={close}>{ "×" }</button>
            <h3>{ &d.deal.title }</h3>
            <p>
                <span class={classes!("badge", d.deal.status.as_str())} id="deal-status">{ tr(&format!("deal_status.{}", d.deal.status.as_str())) }</span>
                { " " }{ &d.pipeline.name }{ " · " }{ stage_name(Some(d.deal.stage_id)) }
            </p>
            <super::calls::ContactPanel entity_type={banco::model::EntityType::Deal} entity_id={d.deal.id} />
            <dl>
                <dt>{ tr("deals.customer") }</dt>
                <dd>{ if d.deal.person_id.is_none() && d.deal.company_id.is_none() {
                    html! { <super::deal_forms::LinkCustomer deal_id={d.deal.id} on_linked={on_saved.clone()} /> }
                } else {
                    html! { d.person_name.clone().or(d.company_name.clone()).unwrap_or_default() }
                } }</dd>
                <dt>{ tr("deals.owner") }</dt><dd>{ d.owner_name.clone().unwrap_or_default() }</dd>
                <dt>{ tr("field.store_id") }</dt><dd>{ d.store_name.clone().unwrap_or_default() }</dd>
                <dt>{ tr("deals.campaign") }</dt><dd>{ d.campaign_name.clone().unwrap_or_else(|| "—".into()) }</dd>
                <dt>{ tr("field.source_channel") }</dt><dd>{ tr(&format!("source.{}", d.deal.source_channel.as_str())) }</dd>
                <dt>{ tr("deals.one_off") }</dt><dd>{ money(d.deal.totals.one_off_minor, currency, lang) }</dd>
                <dt>{ tr("deals.monthly") }</dt><dd>{ money(d.deal.totals.monthly_minor, currency, lang) }</dd>
                <dt>{ tr("deals.value") }</dt><dd id="deal-value">{ tr_with("deals.value_over", [("value", money(d.deal.totals.value_minor, currency, lang)), ("months", d.deal.contract_months.to_string())]) }</dd>
                <dt>{ tr("deals.probability") }</dt><dd>{ format!("{} %", d.deal.probability) }</dd>
                <dt>{ tr("deals.expected_close") }</dt><dd>{ d.deal.expected_close.map(|x| x.format("%d/%m/%Y").to_string()).unwrap_or_else(|| "—".into()) }</dd>
                { d.lost_reason.as_ref().map(|r| html! { <><dt>{ tr("deals.lost_reason") }</dt><dd>{ r }</dd></> }) }
            </dl>
            <h4>{ tr("deals.lines") }
                { (!**editing).then(|| html! { <button class="small" id="deal-edit" onclick={{ let editing = editing.clone(); Callback::from(move |_| editing.set(true)) }}>{ tr("deals.edit") }</button> }) }
            </h4>
            { if **editing { html! { <super::deal_forms::DealEditor key={d.deal.id.to_string()} detail={d.clone()} {on_saved} /> } } else { html! {
            <table class="list">
                <thead><tr><th>{ tr("deals.product") }</th><th>{ tr("deals.quantity") }</th><th>{ tr("deals.one_off") }</th><th>{ tr("deals.monthly") }</th></tr></thead>
                <tbody>{ for d.lines.iter().map(|l| html! {
                    <tr><td>{ &l.product }</td><td class="num">{ l.quantity }</td><td class="num">{ money(l.one_off_minor, currency, lang) }</td><td class="num">{ money(l.monthly_minor, currency, lang) }</td></tr>
                }) }</tbody>
            </table>
            } } }
            { d.contract.as_ref().map(|c| html! { <>
                <p id="deal-contract">{ tr_with("deals.contract", [("offer", c.offer.clone()), ("start", c.start_date.format("%d/%m/%Y").to_string()), ("monthly", money(c.monthly_minor, currency, lang))]) }</p>
                <super::contract::ContractPanel key={c.id.to_string()} id={c.id} />
            </> }) }
            <div class="actions">
                { (d.deal.status == DealStatus::Open).then(|| html! { <>
                    <button id="deal-win" onclick={{ let dialog = dialog.clone(); Callback::from(move |_| dialog.set(Some(Dialog::Won(id)))) }}>{ tr("deals.mark_won") }</button>
                    <button id="deal-lose" onclick={{ let dialog = dialog.clone(); Callback::from(move |_| dialog.set(Some(Dialog::Lost(id)))) }}>{ tr("deals.mark_lost") }</button>
                </> }) }
                { (d.deal.status == DealStatus::Won && d.deal.person_id.is_some()).then(|| html! {
                    <button id="deal-cross-sell" onclick={cross_sell}>{ tr("deals.cross_sell") }</button>
                }) }
            </div>
            <crate::widgets::custom_fields::CustomPanel key={d.deal.id.to_string()} entity_type={banco::model::EntityType::Deal} id={d.deal.id} />
            <h4>{ tr("record.tab_after_sale") }</h4>
            <super::records::AfterSalePanel key={format!("a{}", d.deal.id)} entity_type={banco::model::EntityType::Deal} entity_id={d.deal.id} />
            <h4>{ tr("deals.notes") }</h4>
            <super::notes::NotesPanel key={format!("n{}", d.deal.id)} entity_type={banco::model::EntityType::Deal} entity_id={d.deal.id} />
            <h4>{ tr("deals.timeline") }</h4>
            <ol class="history" id="deal-timeline">
                { for d.events.iter().map(|e| {
                    let what = match e.kind {
                        DealEventKind::StageMoved | DealEventKind::Reopened => tr_with(
                            &format!("deal_event.{}", e.kind.as_str()),
                            [("from", stage_name(e.from_stage_id)), ("to", stage_name(e.to_stage_id))],
                        ),
                        _ => tr_with(&format!("deal_event.{}", e.kind.as_str()), [("stage", stage_name(e.to_stage_id))]),
                    };
                    html! {
                        <li>
                            <span class="muted">{ local_time(&e.at) }</span>{ " " }
                            { what }
                            { e.detail.as_ref().map(|x| html! { <em>{ format!(" — {x}") }</em> }) }
                            { e.user_name.as_ref().map(|u| html! { <span class="muted">{ format!(" · {u}") }</span> }) }
                        </li>
                    }
                }) }
            </ol>
        </aside>
    }
}
