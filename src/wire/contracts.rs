//! After the sale (issue 16): the Customers list, the contracts list, a
//! contract's detail, its edit and its lifecycle moves. The core checks
//! who may see and change each contract (its deal's store and owner).

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::Command;
use crate::model as m;

command! {
    /// People and companies with a contract matching `filter`, by name.
    /// Errors: `Validation` (`renews_in`).
    ListCustomers = "list_customers" {
        filter: m::ContractFilter,
    } -> m::Page<m::CustomerListItem>
}

command! {
    /// Contracts matching `filter`, newest signed first.
    /// Errors: `Validation` (`renews_in`).
    ListContracts = "list_contracts" {
        filter: m::ContractFilter,
    } -> m::Page<m::ContractListItem>
}

command! {
    /// One contract with its history, what its activation lacks and
    /// where it may move. Errors: `NotFound`.
    ContractDetail = "contract_detail" {
        id: Uuid,
    } -> m::ContractDetail
}

command! {
    /// Changes a contract's kind, term, payment and identifiers.
    /// Errors: `NotFound`, `Forbidden`, `Validation` (each bad field).
    EditContract = "edit_contract" {
        id: Uuid,
        edit: m::ContractEdit,
    } -> m::ContractDetail
}

command! {
    /// Moves a contract along its lifecycle.
    /// Errors: `NotFound`, `Forbidden`, `Validation` (`status`,
    /// `reason`, `on`, or the identifiers an activation lacks).
    MoveContract = "move_contract" {
        id: Uuid,
        to: m::ContractMove,
    } -> m::ContractDetail
}
