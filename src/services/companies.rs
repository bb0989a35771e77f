//! Companies, their contacts, and the record cards of companies and people.

use uuid::Uuid;

use super::custom_fields::fields_for;
use super::sheet::{self, Cell, Place, Sheet};
use super::{now, Ctx};
use crate::model::{
    check_custom_values, check_person_tax_code, custom_text, Company, CompanyCard, CompanyInput,
    CompanyListItem, CompanyQuery, CustomField, CustomValues, DealFilter, DealQuery, DealSort,
    EntityType, ExportFormat, FieldError, LeadQuery, Page, PersonCard, PersonDetails,
};
use crate::store::{Conn, Db};
use crate::{with_conn, with_tx, Error, Result};

/// Longest role text, in characters.
pub const MAX_ROLE_CHARS: usize = 100;

/// A company of the tenant. Errors: [`Error::NotFound`].
async fn company_in(c: &mut Conn<'_>, tenant: Uuid, id: Uuid) -> Result<Company> {
    c.get_company(tenant, id)
        .await?
        .ok_or_else(|| Error::NotFound {
            entity: "company",
            id: id.to_string(),
        })
}

/// A person of the tenant. Errors: [`Error::NotFound`].
async fn person_in(c: &mut Conn<'_>, tenant: Uuid, id: Uuid) -> Result<crate::model::Person> {
    c.get_person(tenant, id)
        .await?
        .ok_or_else(|| Error::NotFound {
            entity: "person",
            id: id.to_string(),
        })
}

async fn check_refs(
    c: &mut Conn<'_>,
    tenant: Uuid,
    id: Option<Uuid>,
    input: &CompanyInput,
    errors: &mut Vec<FieldError>,
) -> Result<()> {
    if let Some(owner) = input.owner_id {
        if c.get_user(tenant, owner).await?.is_none() {
            errors.push(
                FieldError::new("owner_id", "unknown_value").with("value", owner.to_string()),
            );
        }
    }
    if let Some(parent) = input.parent_id {
        // Walk up from the parent: reaching `id` would make a cycle.
        let mut at = Some(parent);
        let mut steps = 0;
        while let Some(p) = at {
            if Some(p) == id {
                errors.push(FieldError::new("parent_id", "cycle"));
                break;
            }
            match c.get_company(tenant, p).await? {
                Some(company) => at = company.parent_id,
                None => {
                    errors.push(
                        FieldError::new("parent_id", "unknown_value").with("value", p.to_string()),
                    );
                    break;
                }
            }
            steps += 1;
            if steps > 100 {
                errors.push(FieldError::new("parent_id", "cycle"));
                break;
            }
        }
    }
    Ok(())
}

/// Creates a company in an open transaction (see [`create`]).
pub async fn create_in(
    c: &mut Conn<'_>,
    ctx: &Ctx,
    input: &CompanyInput,
    event: &str,
) -> Result<Company> {
    let tenant = ctx.tenant_id();
    let mut errors = Vec::new();
    let valid = input
        .validate(ctx.region())
        .map_err(|e| errors.extend(e))
        .ok();
    let defs = fields_for(c, tenant, EntityType::Company).await?;
    let custom = check_custom_values(&defs, &input.custom, true)
        .map_err(|e| errors.extend(e))
        .ok();
    check_refs(c, tenant, None, input, &mut errors).await?;
    let (Some(v), Some(custom), true) = (valid, custom, errors.is_empty()) else {
        return Err(Error::Validation(errors));
    };
    let at = now();
    let company = v.into_company(Uuid::now_v7(), false, custom, at, at);
    c.insert_company_full(tenant, &company).await?;
    c.insert_record_event(
        tenant,
        EntityType::Company,
        company.id,
        event,
        None,
        Some(ctx.user.id),
        at,
    )
    .await?;
    Ok(company)
}

/// Creates a company from its form. Every field is checked
/// ([`CompanyInput::validate`], custom fields, owner and parent exist) and
/// every error returned at once; `created` goes on its timeline.
///
/// Errors: [`Error::Validation`].
pub async fn create(db: &Db, ctx: &Ctx, input: &CompanyInput) -> Result<Company> {
    with_tx!(db, |c| create_in(c, ctx, input, "created").await)
}

/// Saves a company's form over the record (kind, status, identifiers,
/// addresses, tags, owner, parent, profile and custom fields). A parent
/// that is the company itself or one of its subsidiaries is a `cycle`.
///
/// Errors: [`Error::NotFound`]; [`Error::Conflict`] when another desk
/// saved the company after `input.expected_version` (or meanwhile);
/// [`Error::Validation`].
pub async fn update(db: &Db, ctx: &Ctx, id: Uuid, input: &CompanyInput) -> Result<Company> {
    with_tx!(db, |c| {
        let tenant = ctx.tenant_id();
        let old = company_in(c, tenant, id).await?;
        if input.expected_version.is_some_and(|v| v != old.updated_at) {
            return Err(c.not_written(tenant, EntityType::Company, id).await);
        }
        let mut errors = Vec::new();
        let valid = input
            .validate(ctx.region())
            .map_err(|e| errors.extend(e))
            .ok();
        let defs = fields_for(c, tenant, EntityType::Company).await?;
        let custom = check_custom_values(&defs, &input.custom, false)
            .map_err(|e| errors.extend(e))
            .ok();
        check_refs(c, tenant, Some(id), input, &mut errors).await?;
        let (Some(v), Some(custom), true) = (valid, custom, errors.is_empty()) else {
            return Err(Error::Validation(errors));
        };
        let company = v.into_company(id, old.is_customer, custom, old.created_at, now());
        c.update_company(tenant, &company, old.updated_at).await?;
        if company.name != old.name {
            super::search_index::company_renamed(c, tenant, id).await?;
        }
        if company.status != old.status {
            let detail = format!("{} → {}", old.status, company.status);
            c.insert_record_event(
                tenant,
                EntityType::Company,
                id,
                "status_changed",
                Some(&detail),
                Some(ctx.user.id),
                company.updated_at,
            )
            .await?;
        } else {
            c.insert_record_event(
                tenant,
                EntityType::Company,
                id,
                "updated",
                None,
                Some(ctx.user.id),
                company.updated_at,
            )
            .await?;
        }
        Ok(company)
    })
}

/// One page of companies matching `q`, by name.
pub async fn list(db: &Db, ctx: &Ctx, q: &CompanyQuery) -> Result<Page<CompanyListItem>> {
    with_conn!(db, |c| c.list_companies(ctx.tenant_id(), q).await)
}

/// Every company matching `q` (ignoring its paging) in `format` (JSON is
/// refused): the standard columns, then one column per active custom field
/// (by its key). Store managers and admins only.
///
/// Errors: [`Error::Forbidden`] (`export_data`); [`Error::Validation`]
/// `format` for JSON.
pub async fn export(db: &Db, ctx: &Ctx, q: &CompanyQuery, format: ExportFormat) -> Result<Vec<u8>> {
    ctx.require_manager("export_data")?;
    let tenant = ctx.tenant_id();
    let defs: Vec<CustomField> = with_conn!(db, |c| fields_for(c, tenant, EntityType::Company)
        .await)?
    .into_iter()
    .filter(|f| !f.archived)
    .collect();
    let mut sheet = Sheet::new(
        "Aziende",
        &[
            ("id", "ID"),
            ("name", "Nome"),
            ("kind", "Tipo"),
            ("status", "Stato"),
            ("vat_number", "Partita IVA"),
            ("office_location", "Sede"),
            ("sector", "Settore"),
            ("owner", "Titolare"),
            ("tags", "Etichette"),
            ("customer", "Cliente"),
            ("created_at", "Creata il"),
        ],
    );
    sheet.extend_columns(&defs.iter().map(|d| d.key.clone()).collect::<Vec<_>>());
    let mut query = q.clone();
    query.limit = 500;
    query.offset = 0;
    loop {
        let page = with_conn!(db, |c| c.list_companies(tenant, &query).await)?;
        for i in &page.items {
            let mut row = vec![
                Cell::from(i.id.to_string()),
                Cell::from(i.name.clone()),
                Cell::Code("company_kind", i.kind.to_string()),
                Cell::Code("company_status", i.status.to_string()),
                Cell::from(i.vat_number.clone()),
                Cell::from(i.office_location.clone()),
                Cell::from(i.sector.clone()),
                Cell::from(i.owner_name.clone()),
                Cell::from(i.tags.join(", ")),
                Cell::Bool(i.is_customer),
                Cell::Time(Some(i.created_at)),
            ];
            row.extend(
                defs.iter()
                    .map(|d| Cell::from(i.custom.get(&d.key).map(custom_text).unwrap_or_default())),
            );
            sheet.rows.push(row);
        }
        query.offset += page.items.len() as u32;
        if page.items.is_empty() || u64::from(query.offset) >= page.total {
            break;
        }
    }
    let place = Place::of(db, ctx).await?;
    let bytes = sheet::render(&sheet, format, &place)?;
    let filter = serde_json::to_value(q).unwrap_or_default();
    super::audit::exported(db, ctx, "companies", format, sheet.rows.len(), filter).await?;
    Ok(bytes)
}

/// [`export`] as plain CSV text. Errors: as [`export`].
pub async fn export_csv(db: &Db, ctx: &Ctx, q: &CompanyQuery) -> Result<String> {
    let bytes = export(db, ctx, q, ExportFormat::Csv).await?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

fn deal_query(person: Option<Uuid>, company: Option<Uuid>) -> DealQuery {
    DealQuery {
        filter: DealFilter {
            person_id: person,
            company_id: company,
            ..Default::default()
        },
        sort: DealSort::CreatedDesc,
        offset: 0,
        limit: 200,
    }
}

/// The company card: the company, parent and subsidiaries, owner,
/// contacts (primary first), deals, notes and documents.
///
/// Errors: [`Error::NotFound`].
pub async fn card(db: &Db, ctx: &Ctx, id: Uuid) -> Result<CompanyCard> {
    let tenant = ctx.tenant_id();
    with_conn!(db, |c| {
        let company = company_in(c, tenant, id).await?;
        let parent_name = match company.parent_id {
            Some(p) => c.get_company(tenant, p).await?.map(|p| p.name),
            None => None,
        };
        let owner_name = match company.owner_id {
            Some(o) => c.get_user(tenant, o).await?.map(|u| u.display_name),
            None => None,
        };
        Ok(CompanyCard {
            parent_name,
            owner_name,
            children: c.company_children(tenant, id).await?,
            contacts: c.contacts(tenant, id, true).await?,
            deals: c
                .list_deals(tenant, &deal_query(None, Some(id)), &ctx.record_scope())
                .await?
                .items,
            notes: super::notes::list_in(c, tenant, id).await?,
            documents: c.documents_of(tenant, id).await?,
            company,
        })
    })
}

/// The person card: the person, their companies and roles, leads, deals,
/// consents, notes and documents.
///
/// Errors: [`Error::NotFound`].
pub async fn person_card(db: &Db, ctx: &Ctx, id: Uuid) -> Result<PersonCard> {
    let tenant = ctx.tenant_id();
    with_conn!(db, |c| {
        let person = person_in(c, tenant, id).await?;
        let leads = c
            .list_leads(
                tenant,
                &LeadQuery {
                    person_id: Some(id),
                    limit: 200,
                    ..Default::default()
                },
                &ctx.record_scope(),
            )
            .await?
            .items;
        let mut same_contact = Vec::new();
        let phones: Vec<String> = [&person.phone, &person.phone_2]
            .into_iter()
            .flatten()
            .cloned()
            .collect();
        let emails = [person.email.as_deref(), person.email_2.as_deref()];
        for (i, email) in emails.into_iter().enumerate() {
            if i > 0 && email.is_none() {
                continue;
            }
            let ph: &[String] = if i == 0 { &phones } else { &[] };
            for other in c.find_people_by_contact(tenant, ph, email).await? {
                if other.id != id
                    && !same_contact
                        .iter()
                        .any(|p: &crate::model::Person| p.id == other.id)
                {
                    same_contact.push(other);
                }
            }
        }
        Ok(PersonCard {
            same_contact,
            companies: c.contacts(tenant, id, false).await?,
            leads,
            deals: c
                .list_deals(tenant, &deal_query(Some(id), None), &ctx.record_scope())
                .await?
                .items,
            consents: c.consents_of(tenant, id).await?,
            notes: super::notes::list_in(c, tenant, id).await?,
            documents: c.documents_of(tenant, id).await?,
            person,
        })
    })
}

/// Saves a person's name and contacts ([`IdentityEdit::apply`], numbers
/// read in the tenant's region), address, date of birth and preferences
/// ([`crate::model::ProfileEdit::apply`]), tax code, city and custom
/// fields; the
/// timeline's `updated` entry names the fields changed (never their
/// values). A correction that makes the person share a phone or e-mail
/// with someone else is saved, and the card returned lists them in
/// `same_contact` for a merge.
///
/// Errors: [`Error::NotFound`]; [`Error::Conflict`] when another desk
/// saved the person after `details.expected_version` (or meanwhile);
/// [`Error::Validation`] with every bad field (`first_name`, `last_name`,
/// `phone`, `phone_2`, `email`, `email_2`; the profile's fields;
/// `tax_code`: `invalid_tax_code`; `birth_date`: `tax_code_mismatch` when
/// the codice fiscale encodes another day ([`birth_matches_tax_code`]);
/// `custom.<key>` errors; `person`: `erased` for a person whose data was
/// erased, who cannot be given data again).
pub async fn update_person_details(
    db: &Db,
    ctx: &Ctx,
    id: Uuid,
    details: &PersonDetails,
) -> Result<PersonCard> {
    let tenant = ctx.tenant_id();
    with_tx!(db, |c| {
        let mut person = person_in(c, tenant, id).await?;
        if person.erased_at.is_some() {
            return Err(Error::field("person", "erased"));
        }
        if details
            .expected_version
            .is_some_and(|v| v != person.updated_at)
        {
            return Err(c.not_written(tenant, EntityType::Person, id).await);
        }
        let before = person.clone();
        let mut errors = Vec::new();
        let mut changed = details
            .identity
            .apply(&mut person, ctx.region())
            .map_err(|e| errors.extend(e))
            .unwrap_or_default();
        let tax_code = match details.tax_code.trim() {
            "" => None,
            t => check_person_tax_code(t, "tax_code")
                .map_err(|e| errors.push(e))
                .ok(),
        };
        // The country is the one the address is checked against.
        match details.profile.apply(
            &mut person,
            ctx.region(),
            now().date_naive(),
            tax_code.as_deref(),
        ) {
            Ok(fields) => changed.extend(fields),
            Err(e) => errors.extend(e),
        }
        let defs = fields_for(c, tenant, EntityType::Person).await?;
        let custom = check_custom_values(&defs, &details.custom, false)
            .map_err(|e| errors.extend(e))
            .ok();
        let Some(custom) = custom.filter(|_| errors.is_empty()) else {
            return Err(Error::Validation(errors));
        };
        person.tax_code = tax_code;
        person.city = Some(details.city.trim().to_string()).filter(|c| !c.is_empty());
        person.custom = custom;
        for (field, same) in [
            ("tax_code", before.tax_code == person.tax_code),
            ("city", before.city == person.city),
            ("custom", before.custom == person.custom),
        ] {
            if !same {
                changed.push(field);
            }
        }
        let read_at = person.updated_at;
        person.updated_at = now();
        c.update_person(tenant, &person, read_at).await?;
        if changed.contains(&"first_name") || changed.contains(&"last_name") {
            super::search_index::person_renamed(c, tenant, &person).await?;
        }
        c.insert_record_event(
            tenant,
            EntityType::Person,
            id,
            "updated",
            Some(changed.join(", ").as_str()).filter(|d| !d.is_empty()),
            Some(ctx.user.id),
            person.updated_at,
        )
        .await?;
        Ok::<(), Error>(())
    })?;
    person_card(db, ctx, id).await
}

/// Links a person to a company with a role (or changes the role);
/// `primary` makes them the company's only primary contact. Logged as
/// `contact_linked` on both timelines.
///
/// Errors: [`Error::NotFound`] for either record; [`Error::Validation`]
/// (`role`: `too_long`).
pub async fn link_contact(
    db: &Db,
    ctx: &Ctx,
    company: Uuid,
    person: Uuid,
    role: &str,
    primary: bool,
) -> Result<CompanyCard> {
    let role = role.trim();
    if role.chars().count() > MAX_ROLE_CHARS {
        return Err(Error::Validation(vec![
            FieldError::new("role", "too_long").with("max", MAX_ROLE_CHARS.to_string())
        ]));
    }
    let tenant = ctx.tenant_id();
    with_tx!(db, |c| {
        let name = company_in(c, tenant, company).await?.name;
        let who = person_in(c, tenant, person).await?.full_name();
        let at = now();
        c.upsert_contact(
            tenant,
            company,
            person,
            Some(role).filter(|r| !r.is_empty()),
            primary,
            at,
        )
        .await?;
        let detail = if role.is_empty() {
            who.clone()
        } else {
            format!("{who} ({role})")
        };
        c.insert_record_event(
            tenant,
            EntityType::Company,
            company,
            "contact_linked",
            Some(&detail),
            Some(ctx.user.id),
            at,
        )
        .await?;
        c.insert_record_event(
            tenant,
            EntityType::Person,
            person,
            "contact_linked",
            Some(&name),
            Some(ctx.user.id),
            at,
        )
        .await?;
        Ok::<(), Error>(())
    })?;
    card(db, ctx, company).await
}

/// Removes a person from a company's contacts.
///
/// Errors: [`Error::NotFound`] if they were not linked.
pub async fn unlink_contact(
    db: &Db,
    ctx: &Ctx,
    company: Uuid,
    person: Uuid,
) -> Result<CompanyCard> {
    let tenant = ctx.tenant_id();
    with_tx!(db, |c| {
        if !c.remove_contact(tenant, company, person).await? {
            return Err(Error::NotFound {
                entity: "contact",
                id: format!("{company}/{person}"),
            });
        }
        c.insert_record_event(
            tenant,
            EntityType::Company,
            company,
            "contact_unlinked",
            Some(&person.to_string()),
            Some(ctx.user.id),
            now(),
        )
        .await
    })?;
    card(db, ctx, company).await
}

/// Defines or edits a custom field (store managers and admins). New
/// fields go last; the key and type of an existing field cannot change.
///
/// Errors: [`Error::Forbidden`] (`edit_custom_fields`); [`Error::Validation`]
/// from [`crate::model::check_field_definition`], or `key`: `taken`.
pub async fn save_field(db: &Db, ctx: &Ctx, field: &CustomField) -> Result<Vec<CustomField>> {
    ctx.require_manager("edit_custom_fields")?;
    crate::model::check_field_definition(field).map_err(Error::Validation)?;
    let tenant = ctx.tenant_id();
    with_tx!(db, |c| {
        let all = c.list_custom_fields(tenant).await?;
        let mut f = field.clone();
        match all.iter().find(|x| x.id == f.id) {
            Some(old) => {
                f.key = old.key.clone();
                f.kind = old.kind;
                f.entity_type = old.entity_type;
            }
            None => {
                if all
                    .iter()
                    .any(|x| x.entity_type == f.entity_type && x.key == f.key)
                {
                    return Err(Error::Validation(vec![
                        FieldError::new("key", "taken").with("value", &f.key)
                    ]));
                }
                f.position = all
                    .iter()
                    .filter(|x| x.entity_type == f.entity_type)
                    .map(|x| x.position + 1)
                    .max()
                    .unwrap_or(0);
            }
        }
        c.save_custom_field(tenant, &f, now()).await?;
        c.list_custom_fields(tenant).await
    })
}

/// Every custom field definition.
pub async fn fields(db: &Db, ctx: &Ctx) -> Result<Vec<CustomField>> {
    with_conn!(db, |c| c.list_custom_fields(ctx.tenant_id()).await)
}

/// Sets the custom values of a lead or deal, checked against the
/// definitions. Errors: [`Error::NotFound`], [`Error::Validation`].
pub async fn set_custom_values(
    db: &Db,
    ctx: &Ctx,
    entity: EntityType,
    id: Uuid,
    values: &CustomValues,
) -> Result<CustomValues> {
    let tenant = ctx.tenant_id();
    with_tx!(db, |c| {
        super::context::require_visible(c, ctx, id).await?;
        let defs = fields_for(c, tenant, entity).await?;
        let checked = check_custom_values(&defs, values, false).map_err(Error::Validation)?;
        c.set_custom_values(tenant, entity, id, &checked).await?;
        Ok(checked)
    })
}

/// The custom values of any record the acting user may see.
/// Errors: [`Error::NotFound`] for a lead or deal outside their
/// [`Ctx::record_scope`].
pub async fn custom_values(
    db: &Db,
    ctx: &Ctx,
    entity: EntityType,
    id: Uuid,
) -> Result<CustomValues> {
    with_conn!(db, |c| {
        super::context::require_visible(c, ctx, id).await?;
        c.custom_values(ctx.tenant_id(), entity, id).await
    })
}
