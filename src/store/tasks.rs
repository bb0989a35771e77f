//! Tasks: writes, the task lists ("My tasks", "My store's tasks", a record's, a ticket's) and a milestone's tasks.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::sql::{query, query_as, query_scalar, Conn, QueryBuilder};
use crate::model::{Page, Task, TaskListItem, TaskQuery, TaskScope, TaskStatus, TemplateTask};
use crate::Error;
use crate::Result;

/// The columns of [`Task`], on alias `t`.
const TASK_COLUMNS: &str = "t.id, t.title, t.kind, t.status, t.due_at, t.assignee_id, t.store_id, \
     t.entity_type, t.entity_id, t.ticket_id, t.milestone_id, t.done_at, t.created_at";

/// The title of the record a row with `entity_type`/`entity_id` on alias
/// `alias` hangs on, and the joins it needs (aliases `rp`, `rc`, `rd`,
/// `rl`, `rlp`).
pub fn record_title_sql(alias: &str) -> (String, String) {
    (
        "COALESCE(rc.name, rd.title, TRIM(rp.first_name || ' ' || rp.last_name), \
         TRIM(rlp.first_name || ' ' || rlp.last_name))"
            .to_string(),
        format!(
            " LEFT JOIN people rp ON {alias}.entity_type = 'person' AND rp.tenant_id = {alias}.tenant_id AND rp.id = {alias}.entity_id \
             LEFT JOIN companies rc ON {alias}.entity_type = 'company' AND rc.tenant_id = {alias}.tenant_id AND rc.id = {alias}.entity_id \
             LEFT JOIN deals rd ON {alias}.entity_type = 'deal' AND rd.tenant_id = {alias}.tenant_id AND rd.id = {alias}.entity_id \
             LEFT JOIN leads rl ON {alias}.entity_type = 'lead' AND rl.tenant_id = {alias}.tenant_id AND rl.id = {alias}.entity_id \
             LEFT JOIN people rlp ON rlp.tenant_id = rl.tenant_id AND rlp.id = rl.person_id"
        ),
    )
}

impl Conn<'_> {
    /// Records a task; with a `source_key` already used, records nothing
    /// and answers `false` (the kit buttons press twice safely).
    pub async fn insert_task(
        &mut self,
        tenant: Uuid,
        t: &Task,
        created_by: Option<Uuid>,
        source_key: Option<&str>,
    ) -> Result<bool> {
        let done = query(
            "INSERT INTO tasks (tenant_id, id, title, kind, status, due_at, assignee_id, store_id, \
             entity_type, entity_id, ticket_id, milestone_id, source_key, created_by, created_at, done_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) \
             ON CONFLICT DO NOTHING",
        )
        .bind(tenant)
        .bind(t.id)
        .bind(&t.title)
        .bind(t.kind.as_str())
        .bind(t.status.as_str())
        .bind(t.due_at)
        .bind(t.assignee_id)
        .bind(t.store_id)
        .bind(t.entity_type.as_str())
        .bind(t.entity_id)
        .bind(t.ticket_id)
        .bind(t.milestone_id)
        .bind(source_key)
        .bind(created_by)
        .bind(t.created_at)
        .bind(t.done_at)
        .execute(&mut *self)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// One task.
    pub async fn get_task(&mut self, tenant: Uuid, id: Uuid) -> Result<Option<Task>> {
        query_as::<Task>(format!(
            "SELECT {TASK_COLUMNS} FROM tasks t WHERE t.tenant_id = $1 AND t.id = $2"
        ))
        .bind(tenant)
        .bind(id)
        .fetch_optional(&mut *self)
        .await
    }

    /// Marks a task done (with when and by whom) or open again.
    pub async fn set_task_status(
        &mut self,
        tenant: Uuid,
        id: Uuid,
        status: TaskStatus,
        by: Option<Uuid>,
        at: Option<DateTime<Utc>>,
    ) -> Result<()> {
        query("UPDATE tasks SET status = $3, done_at = $4, done_by = $5 WHERE tenant_id = $1 AND id = $2")
            .bind(tenant)
            .bind(id)
            .bind(status.as_str())
            .bind(at)
            .bind(by)
            .execute(&mut *self)
            .await?;
        Ok(())
    }

    /// Open tasks of kind `call` due at or before `until` (and after
    /// `since`, if given), the earliest first, at most 500: assigned to
    /// `assignee`, or (when `None`) of `stores` and those assigned to
    /// `me`, or the whole tenant's when `stores` is `None` too. The "to
    /// call" queue and the desk alerts read them.
    pub async fn call_tasks_due(
        &mut self,
        tenant: Uuid,
        assignee: Option<Uuid>,
        stores: Option<(&[Uuid], Uuid)>,
        since: Option<DateTime<Utc>>,
        until: DateTime<Utc>,
    ) -> Result<Vec<Task>> {
        let mut qb = QueryBuilder::new(format!(
            "SELECT {TASK_COLUMNS} FROM tasks t WHERE t.kind = 'call' AND t.status = 'open' AND t.tenant_id = "
        ));
        qb.push_bind(tenant)
            .push(" AND t.due_at <= ")
            .push_bind(until);
        if let Some(s) = since {
            qb.push(" AND t.due_at > ").push_bind(s);
        }
        match (assignee, stores) {
            (Some(u), _) => {
                qb.push(" AND t.assignee_id = ").push_bind(u);
            }
            (None, Some((stores, me))) => {
                qb.push(" AND (t.assignee_id = ").push_bind(me);
                qb.push(" OR t.store_id IN (");
                let mut list = qb.separated(", ");
                for s in stores {
                    list.push_bind(*s);
                }
                // `IN ()` is not SQL: an empty list matches nothing.
                if stores.is_empty() {
                    list.push("NULL");
                }
                qb.push("))");
            }
            (None, None) => {}
        }
        qb.push(" ORDER BY t.due_at, t.id LIMIT 500");
        qb.build_query_as().fetch_all(&mut *self).await
    }

    /// The tasks of a ticket, by milestone then due time.
    pub async fn tasks_of_ticket(&mut self, tenant: Uuid, ticket: Uuid) -> Result<Vec<Task>> {
        query_as::<Task>(format!(
            "SELECT {TASK_COLUMNS} FROM tasks t WHERE t.tenant_id = $1 AND t.ticket_id = $2 \
             ORDER BY t.milestone_id, t.created_at, t.id"
        ))
        .bind(tenant)
        .bind(ticket)
        .fetch_all(&mut *self)
        .await
    }

    /// How many tasks of a milestone are still open.
    pub async fn open_tasks_of_milestone(&mut self, tenant: Uuid, milestone: Uuid) -> Result<i64> {
        query_scalar(
            "SELECT COUNT(*) FROM tasks WHERE tenant_id = $1 AND milestone_id = $2 AND status = 'open'",
        )
        .bind(tenant)
        .bind(milestone)
        .fetch_one(&mut *self)
        .await
    }

    /// A task list: `q`'s scope for `user` (mine: assigned to them; store:
    /// of `stores`, or the whole tenant when `stores` is `None`), open only
    /// unless `q.include_done`, by due time (no due time: by creation).
    pub async fn list_tasks(
        &mut self,
        tenant: Uuid,
        q: &TaskQuery,
        user: Uuid,
        stores: Option<&[Uuid]>,
    ) -> Result<Page<TaskListItem>> {
        let filter = |qb: &mut QueryBuilder| {
            qb.push(" WHERE t.tenant_id = ").push_bind(tenant);
            if !q.include_done {
                qb.push(" AND t.status = 'open'");
            }
            if let Some(e) = q.entity_id {
                qb.push(" AND t.entity_id = ").push_bind(e);
            }
            if let Some(ticket) = q.ticket_id {
                qb.push(" AND t.ticket_id = ").push_bind(ticket);
            }
            let record_list = q.entity_id.is_some() || q.ticket_id.is_some();
            match (q.scope, stores) {
                (None, _) if record_list => {}
                (Some(TaskScope::Store), None) => {}
                (Some(TaskScope::Store), Some(stores)) => {
                    qb.push(" AND t.store_id IN (");
                    let mut sep = qb.separated(", ");
                    sep.push_bind(Uuid::nil());
                    for s in stores {
                        sep.push_bind(*s);
                    }
                    qb.push(")");
                }
                _ => {
                    qb.push(" AND t.assignee_id = ").push_bind(user);
                }
            }
        };
        let mut count = QueryBuilder::new("SELECT COUNT(*) FROM tasks t");
        filter(&mut count);
        let total: i64 = count.build_query_scalar().fetch_one(&mut *self).await?;
        let limit = match q.limit {
            None | Some(0) => 100,
            Some(n) => n.min(500),
        };
        let offset = q.offset.unwrap_or(0);
        // The page first, then its names: the joins read 100 rows, not
        // every open task of the list.
        let (title, joins) = record_title_sql("t");
        let mut qb = QueryBuilder::new(format!(
            "SELECT {TASK_COLUMNS}, u.display_name AS assignee_name, {title} AS record_title, \
             k.title AS ticket_title FROM (SELECT t.* FROM tasks t"
        ));
        filter(&mut qb);
        qb.push(" ORDER BY COALESCE(t.due_at, t.created_at), t.id LIMIT ")
            .push_bind(i64::from(limit))
            .push(" OFFSET ")
            .push_bind(i64::from(offset))
            .push(format_args!(
                ") t LEFT JOIN users u ON u.tenant_id = t.tenant_id AND u.id = t.assignee_id \
                 LEFT JOIN tickets k ON k.tenant_id = t.tenant_id AND k.id = t.ticket_id{joins} \
                 ORDER BY COALESCE(t.due_at, t.created_at), t.id"
            ));
        let items = qb.build_query_as().fetch_all(&mut *self).await?;
        Ok(Page {
            items,
            total: u64::try_from(total).unwrap_or(0),
            offset,
        })
    }

    /// The tasks each stage gives a deal entering it: `(stage, tasks)`.
    pub async fn list_stage_tasks(
        &mut self,
        tenant: Uuid,
    ) -> Result<Vec<(Uuid, Vec<TemplateTask>)>> {
        let rows: Vec<(Uuid, crate::model::JsonText<Vec<TemplateTask>>)> =
            query_as("SELECT stage_id, tasks FROM stage_tasks WHERE tenant_id = $1")
                .bind(tenant)
                .fetch_all(&mut *self)
                .await?;
        Ok(rows.into_iter().map(|(s, t)| (s, t.0)).collect())
    }

    /// Sets the tasks a stage gives a deal entering it (none: removes them).
    pub async fn save_stage_tasks(
        &mut self,
        tenant: Uuid,
        stage: Uuid,
        tasks: &[TemplateTask],
    ) -> Result<()> {
        query("DELETE FROM stage_tasks WHERE tenant_id = $1 AND stage_id = $2")
            .bind(tenant)
            .bind(stage)
            .execute(&mut *self)
            .await?;
        if !tasks.is_empty() {
            let text = serde_json::to_string(tasks).map_err(|e| Error::Integrity(e.to_string()))?;
            query("INSERT INTO stage_tasks (tenant_id, stage_id, tasks) VALUES ($1, $2, $3)")
                .bind(tenant)
                .bind(stage)
                .bind(text)
                .execute(&mut *self)
                .await?;
        }
        Ok(())
    }
}
