//! What the window does when the core panics: every call still waiting
//! for the shell fails with `error.internal` instead of waiting for ever
//! (Tauri answers nothing for a command whose task panicked).

use banco::error::PanicReport;
use banco::{ErrorKind, ErrorPayload};

thread_local! {
    /// The calls waiting for the shell, each with the sender that fails it
    /// if the core panics meanwhile, and the next call's number.
    static WAITING: std::cell::RefCell<Vec<(u64, futures::channel::oneshot::Sender<PanicReport>)>> =
        const { std::cell::RefCell::new(Vec::new()) };
    static NEXT_CALL: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Registers a call as waiting: its number, and what resolves when the
/// core panics before it is answered.
fn waiting_call() -> (u64, futures::channel::oneshot::Receiver<PanicReport>) {
    let (tx, rx) = futures::channel::oneshot::channel();
    let id = NEXT_CALL.with(|n| {
        let id = n.get();
        n.set(id.wrapping_add(1));
        id
    });
    WAITING.with(|w| w.borrow_mut().push((id, tx)));
    (id, rx)
}

/// Fails every call still waiting with `error.internal`: the core
/// panicked ([`banco::error::PANIC_EVENT`]), and Tauri will answer none of the calls
/// whose task that was. A call that was not hit fails too (which one was
/// cannot be told here); its work may still complete, and the next load
/// shows it.
pub fn fail_waiting_calls(report: PanicReport) {
    let waiting: Vec<_> = WAITING.with(|w| w.borrow_mut().drain(..).collect());
    for (_, tx) in waiting {
        let _ = tx.send(report.clone());
    }
}

pub(super) fn internal_error(report: &PanicReport) -> ErrorPayload {
    ErrorPayload {
        kind: ErrorKind::Ui,
        field: None,
        message_key: "error.internal".into(),
        params: [
            ("detail".to_string(), report.message.clone()),
            ("location".to_string(), report.location.clone()),
        ]
        .into_iter()
        .collect(),
        fields: Vec::new(),
        message: format!("{} ({})", report.message, report.location),
    }
}

/// Awaits `call`, unless the core panics first: then the panic's report.
pub(super) async fn unless_panicked<T>(
    call: impl std::future::Future<Output = T>,
) -> Result<T, PanicReport> {
    use futures::future::{select, Either};
    let (id, panicked) = waiting_call();
    let call = Box::pin(call);
    let outcome = match select(call, panicked).await {
        Either::Left((answer, _)) => Ok(answer),
        Either::Right((Ok(report), _)) => Err(report),
        // Never failed (the sender is kept until then): wait for the answer.
        Either::Right((Err(_), call)) => Ok(call.await),
    };
    WAITING.with(|w| w.borrow_mut().retain(|(i, _)| *i != id));
    outcome
}
