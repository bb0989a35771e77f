//! Answers to superseded loads dropped: a screen that loads again when a
//! filter, a search or another desk's change moves asks [`Latest::ask`]
//! before each load and shows an answer only while it is still the newest
//! one asked for. Without it, a slow answer to an older filter could land
//! after the newer one and stay on screen.

use std::cell::Cell;
use std::rc::Rc;

use yew::prelude::*;

/// The number of the newest load a screen asked for.
#[derive(Clone, Default)]
pub struct Latest(Rc<Cell<u64>>);

impl Latest {
    /// Marks a new load as the newest; the returned check says, when its
    /// answer arrives, whether no newer load was asked for since.
    pub fn ask(&self) -> impl Fn() -> bool + 'static {
        let mine = self.0.get().wrapping_add(1);
        self.0.set(mine);
        let newest = self.0.clone();
        move || newest.get() == mine
    }
}

/// A [`Latest`] kept for the component's life.
#[hook]
pub fn use_latest() -> Latest {
    (*use_memo((), |_| Latest::default())).clone()
}
