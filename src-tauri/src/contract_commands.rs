//! Tauri commands after the sale (issue 16): customers, contracts, a
//! contract's edit and moves. Thin: the core checks the acting user's
//! right on each contract; ids from the page are only looked up.

use banco::services::contracts;
use banco::wire::{self, Response};
use banco::Result;
use tauri::State;

use crate::AppState;

/// People and companies with a contract.
#[tauri::command]
pub async fn list_customers(
    state: State<'_, AppState>,
    req: wire::ListCustomers,
) -> Result<Response<wire::ListCustomers>> {
    let wire::ListCustomers { filter } = req;
    let (db, ctx) = state.acting().await?;
    contracts::customers(&db, &ctx, &filter).await
}

/// Contracts, newest signed first.
#[tauri::command]
pub async fn list_contracts(
    state: State<'_, AppState>,
    req: wire::ListContracts,
) -> Result<Response<wire::ListContracts>> {
    let wire::ListContracts { filter } = req;
    let (db, ctx) = state.acting().await?;
    contracts::list(&db, &ctx, &filter).await
}

/// One contract.
#[tauri::command]
pub async fn contract_detail(
    state: State<'_, AppState>,
    req: wire::ContractDetail,
) -> Result<Response<wire::ContractDetail>> {
    let wire::ContractDetail { id } = req;
    let (db, ctx) = state.acting().await?;
    contracts::detail(&db, &ctx, id).await
}

/// Changes a contract's terms, payment and identifiers.
#[tauri::command]
pub async fn edit_contract(
    state: State<'_, AppState>,
    req: wire::EditContract,
) -> Result<Response<wire::EditContract>> {
    let wire::EditContract { id, edit } = req;
    let (db, ctx) = state.acting().await?;
    contracts::edit(&db, &ctx, id, &edit).await
}

/// Moves a contract along its lifecycle.
#[tauri::command]
pub async fn move_contract(
    state: State<'_, AppState>,
    req: wire::MoveContract,
) -> Result<Response<wire::MoveContract>> {
    let wire::MoveContract { id, to } = req;
    let (db, ctx) = state.acting().await?;
    contracts::move_contract(&db, &ctx, id, &to).await
}
