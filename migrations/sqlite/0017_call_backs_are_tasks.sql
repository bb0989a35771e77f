-- Call-backs are tasks of kind `call` (issue 16: "the 'To call' queue and
-- reminders are tasks of kind call"): every reminder becomes a task of
-- its record for the user who promised it, in that user's store (the
-- store a new task gets), open or done as it was, its note as the title.
-- The "to call" queue and the desk alerts read open call tasks from now
-- on, so a call task made by hand or by a stage is called too.
INSERT INTO tasks (tenant_id, id, title, kind, status, due_at, assignee_id, store_id,
                   entity_type, entity_id, created_by, created_at, done_at, done_by)
SELECT r.tenant_id, r.id, COALESCE(r.note, ''), 'call',
       CASE WHEN r.done_at IS NULL THEN 'open' ELSE 'done' END,
       r.due_at, r.user_id, u.store_id, r.entity_type, r.entity_id, r.user_id,
       r.created_at, r.done_at, CASE WHEN r.done_at IS NULL THEN NULL ELSE r.user_id END
  FROM reminders r
  LEFT JOIN users u ON u.tenant_id = r.tenant_id AND u.id = r.user_id;

DROP TABLE reminders;

-- The queue's and the alerts' read: open call tasks by due time.
CREATE INDEX tasks_calls_due ON tasks (tenant_id, due_at) WHERE kind = 'call' AND status = 'open';
