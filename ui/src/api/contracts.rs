//! After the sale: customers, contracts, a contract's edit and moves.

use banco::model::{
    ContractDetail, ContractEdit, ContractFilter, ContractListItem, ContractMove, CustomerListItem,
    Page,
};
use banco::wire;
use banco::ErrorPayload;
use uuid::Uuid;

use super::invoke;

pub async fn list_customers(
    filter: &ContractFilter,
) -> Result<Page<CustomerListItem>, ErrorPayload> {
    invoke(wire::ListCustomers {
        filter: filter.clone(),
    })
    .await
}

pub async fn list_contracts(
    filter: &ContractFilter,
) -> Result<Page<ContractListItem>, ErrorPayload> {
    invoke(wire::ListContracts {
        filter: filter.clone(),
    })
    .await
}

pub async fn contract_detail(id: Uuid) -> Result<ContractDetail, ErrorPayload> {
    invoke(wire::ContractDetail { id }).await
}

pub async fn edit_contract(id: Uuid, edit: &ContractEdit) -> Result<ContractDetail, ErrorPayload> {
    invoke(wire::EditContract {
        id,
        edit: edit.clone(),
    })
    .await
}

pub async fn move_contract(id: Uuid, to: &ContractMove) -> Result<ContractDetail, ErrorPayload> {
    invoke(wire::MoveContract { id, to: to.clone() }).await
}
