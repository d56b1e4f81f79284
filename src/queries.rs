//! Questions to the worker and their answers, matched by request id.
//!
//! A view asks through [`answer_signal`]: it gives a reactive closure that
//! builds the query, and gets a signal that holds the latest answer. When the
//! closure's inputs change (or a new file is loaded) the query is sent again
//! and answers to superseded requests are dropped.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use heapscope_protocol::{Answer, Query, RequestId};
use leptos::prelude::*;

use crate::worker_client::WorkerClient;

type Pending = Rc<RefCell<HashMap<RequestId, Box<dyn FnOnce(Answer)>>>>;

#[derive(Clone)]
pub struct Queries {
    client: WorkerClient,
    pending: Pending,
}

impl Queries {
    pub fn new(client: WorkerClient, pending: Pending) -> Self {
        Queries { client, pending }
    }

    pub fn pending_table() -> Pending {
        Rc::new(RefCell::new(HashMap::new()))
    }

    pub fn ask(&self, query: Query, on_answer: impl FnOnce(Answer) + 'static) -> RequestId {
        let id = self.client.query(query);
        self.pending.borrow_mut().insert(id, Box::new(on_answer));
        id
    }

    pub fn client(&self) -> &WorkerClient {
        &self.client
    }
}

/// Hands an answer to whoever asked for it.
pub fn deliver(pending: &Pending, request: RequestId, answer: Answer) {
    let callback = pending.borrow_mut().remove(&request);
    if let Some(callback) = callback {
        callback(answer);
    }
}

/// What every view needs: the way to ask, and the count of loads so far
/// (reading it makes a query re-run after each load).
#[derive(Clone, Copy)]
pub struct AppContext {
    pub queries: StoredValue<Option<Queries>, LocalStorage>,
    pub generation: RwSignal<u32>,
    /// Queries sent and not yet answered (the page's "busy" signal for tests).
    pub in_flight: RwSignal<u32>,
    /// The summary after a `Query::Explore` (another snapshot of the series
    /// explored); the shell shows it and refreshes the views.
    pub explored: RwSignal<Option<Box<heapscope_protocol::Summary>>>,
}

impl AppContext {
    pub fn ask(&self, query: Query, on_answer: impl FnOnce(Answer) + 'static) {
        let in_flight = self.in_flight;
        in_flight.update(|n| *n += 1);
        self.queries.with_value(|q| {
            if let Some(q) = q {
                q.ask(query, move |a| {
                    in_flight.update(|n| *n = n.saturating_sub(1));
                    on_answer(a)
                });
            }
        });
    }
}

/// Explores the series' heap snapshot `heap` (Compare against `baseline`),
/// then goes to `then` (whose objects are that snapshot's).
pub fn explore(app: AppContext, heap: u32, baseline: Option<u32>, then: crate::route::Route) {
    app.ask(Query::Explore { heap, baseline }, move |a| {
        if let Answer::Explored { summary } = a {
            app.explored.set(Some(summary));
            app.generation.update(|g| *g += 1);
        }
        crate::nav::go(&then);
    });
}

pub fn use_app() -> AppContext {
    expect_context::<AppContext>()
}

/// The latest answer to a query that follows `make` (re-sent whenever what
/// `make` reads changes, and after every load). `None` until answered.
pub fn answer_signal(make: impl Fn() -> Option<Query> + 'static) -> RwSignal<Option<Answer>> {
    let app = use_app();
    let answer = RwSignal::new(None);
    let latest = Rc::new(RefCell::new(0u64));
    Effect::new(move |_| {
        app.generation.track();
        let Some(query) = make() else { return };
        let ticket = {
            let mut l = latest.borrow_mut();
            *l += 1;
            *l
        };
        let latest = latest.clone();
        app.ask(query, move |a| {
            if *latest.borrow() == ticket {
                answer.set(Some(a));
            }
        });
    });
    answer
}
