//! The load flow as a plain state machine: the one owner of "the current
//! load". It keeps the files waiting to be sent, the request in flight and
//! what the batch has done so far; every event returns the commands to carry
//! out (send a file, restart the worker, refresh the views) and leaves a
//! [`LoadState`] for the page to show. No browser types: `F` is whatever
//! handle the page has for a file (a `Blob` there, a name in tests), so the
//! whole flow is tested natively.
//!
//! A batch is the files of one drop, pick or example. The first file that
//! loads replaces what was open; the others join it. A file that fails does
//! not sink the batch: if anything loaded, the page shows it with a warning
//! naming each bad file; only a batch where nothing loaded is an error page.

use std::collections::VecDeque;

use heapscope_protocol::{ErrorReport, Phase, RequestId, Summary};

/// What the page shows about loading.
#[derive(Debug, Clone, PartialEq)]
pub enum LoadState {
    Idle,
    Loading {
        file_name: String,
        phase: Phase,
        done_bytes: u64,
        total_bytes: u64,
        started_ms: f64,
        queued: usize,
    },
    /// Files are open; `failed` names the files of the last batch that could not be.
    Ready {
        summary: Box<Summary>,
        failed: Vec<FailedFile>,
    },
    Failed(String),
}

impl LoadState {
    /// The page's state as tests and scripts read it (`data-state`).
    pub fn name(&self) -> &'static str {
        match self {
            LoadState::Idle => "idle",
            LoadState::Loading { .. } => "loading",
            LoadState::Ready { .. } => "ready",
            LoadState::Failed(_) => "error",
        }
    }
}

/// A file of a batch that could not be opened, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct FailedFile {
    pub file_name: String,
    pub message: String,
}

/// What the page must do after an event.
#[derive(Debug, PartialEq)]
pub enum Command<F> {
    /// Hand this file to the worker, then report its request id with [`Loader::sent`].
    Send { file_name: String, file: F, size_bytes: u64, replace: bool },
    /// Terminate the worker and start a new one (a parse cannot be interrupted otherwise).
    RestartWorker,
    /// New files are open: views ask their queries again.
    Refresh,
}

/// The load flow. See the module doc.
pub struct Loader<F> {
    waiting: VecDeque<(String, F, u64)>,
    /// The request in flight, once the page reported it.
    current: Option<RequestId>,
    /// The file being sent (known before its request id is).
    sending: Option<String>,
    /// The batch has opened at least one file (the next one then joins it).
    opened: Option<Box<Summary>>,
    failed: Vec<FailedFile>,
    state: LoadState,
}

impl<F> Default for Loader<F> {
    fn default() -> Self {
        Loader { waiting: VecDeque::new(), current: None, sending: None, opened: None, failed: Vec::new(), state: LoadState::Idle }
    }
}

impl<F> Loader<F> {
    pub fn state(&self) -> &LoadState {
        &self.state
    }

    /// A new batch (`(name, file, size)` in order): it replaces any batch in
    /// flight. Nothing happens for an empty batch. The worker finishes the
    /// file it is on before it starts on this batch (it loads one file at a
    /// time, synchronously); that file's answers no longer count.
    pub fn start(&mut self, files: Vec<(String, F, u64)>, now_ms: f64) -> Vec<Command<F>> {
        if files.is_empty() {
            return Vec::new();
        }
        self.waiting = files.into();
        self.current = None;
        self.opened = None;
        self.failed.clear();
        self.send_next(now_ms).into_iter().collect()
    }

    /// The page sent the file of the last [`Command::Send`] under `request`.
    pub fn sent(&mut self, request: RequestId) {
        if self.sending.is_some() {
            self.current = Some(request);
        }
    }

    /// Whether `request` is the load in flight.
    pub fn is_current(&self, request: RequestId) -> bool {
        self.current == Some(request)
    }

    pub fn on_progress(&mut self, request: RequestId, phase: Phase, done_bytes: u64, total_bytes: u64) {
        if !self.is_current(request) {
            return;
        }
        if let LoadState::Loading { phase: p, done_bytes: d, total_bytes: t, .. } = &mut self.state {
            (*p, *d, *t) = (phase, done_bytes, total_bytes);
        }
    }

    pub fn on_loaded(&mut self, request: RequestId, summary: Summary, now_ms: f64) -> Vec<Command<F>> {
        if !self.is_current(request) {
            return Vec::new();
        }
        self.opened = Some(Box::new(summary));
        self.next_or_finish(now_ms)
    }

    pub fn on_failed(&mut self, request: RequestId, error: ErrorReport, now_ms: f64) -> Vec<Command<F>> {
        if !self.is_current(request) {
            return Vec::new();
        }
        let file_name = error.file_name.clone().or_else(|| self.sending.clone()).unwrap_or_default();
        self.failed.push(FailedFile { file_name, message: error.message });
        self.next_or_finish(now_ms)
    }

    /// The worker broke: whatever was in flight is lost (the page's worker
    /// client restarts it), and the page says what happened.
    pub fn on_worker_failed(&mut self, error: ErrorReport) -> Vec<Command<F>> {
        self.clear();
        self.state = LoadState::Failed(error.message);
        Vec::new()
    }

    /// The person pressed Cancel.
    pub fn cancel(&mut self) -> Vec<Command<F>> {
        self.clear();
        self.state = LoadState::Idle;
        vec![Command::RestartWorker]
    }

    /// Another snapshot of the series is explored (`Query::Explore`): the
    /// open files show its summary. Ignored while a batch is loading (its
    /// own summary comes next).
    pub fn explored(&mut self, summary: Summary) {
        if let LoadState::Ready { summary: shown, .. } = &mut self.state {
            **shown = summary;
        }
    }

    /// The page could not even get the files (an example failed to download).
    pub fn could_not_fetch(&mut self, message: String) {
        self.clear();
        self.state = LoadState::Failed(message);
    }

    fn clear(&mut self) {
        self.waiting.clear();
        self.current = None;
        self.sending = None;
        self.opened = None;
        self.failed.clear();
    }

    fn next_or_finish(&mut self, now_ms: f64) -> Vec<Command<F>> {
        self.current = None;
        if let Some(send) = self.send_next(now_ms) {
            return vec![send];
        }
        self.sending = None;
        match self.opened.take() {
            Some(summary) => {
                self.state = LoadState::Ready { summary, failed: std::mem::take(&mut self.failed) };
                vec![Command::Refresh]
            }
            None => {
                let messages: Vec<String> = self.failed.drain(..).map(|f| f.message).collect();
                self.state = LoadState::Failed(messages.join("\n"));
                Vec::new()
            }
        }
    }

    fn send_next(&mut self, now_ms: f64) -> Option<Command<F>> {
        let (file_name, file, size_bytes) = self.waiting.pop_front()?;
        self.sending = Some(file_name.clone());
        self.state = LoadState::Loading {
            file_name: file_name.clone(),
            phase: Phase::Reading,
            done_bytes: 0,
            total_bytes: size_bytes,
            started_ms: now_ms,
            queued: self.waiting.len(),
        };
        // Until a file of this batch is open, the worker still holds the
        // previous batch's files: the first success replaces them.
        Some(Command::Send { file_name, file, size_bytes, replace: self.opened.is_none() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(name: &str) -> Summary {
        Summary {
            file_name: name.into(),
            format: "heapscope snapshot v1".into(),
            object_count: 1,
            reference_count: 0,
            total_size_bytes: 1,
            root_count: 1,
            trace_count: 0,
            process: vec![],
            warnings: vec![],
            load_ms: 0.0,
            worker_memory_bytes: 0,
            files: vec![],
        }
    }

    fn files(names: &[&'static str]) -> Vec<(String, &'static str, u64)> {
        names.iter().map(|n| (n.to_string(), *n, 10)).collect()
    }

    /// The files sent and whether each replaced what was open.
    fn sends(commands: &[Command<&'static str>]) -> Vec<(&'static str, bool)> {
        commands.iter().filter_map(|c| if let Command::Send { file, replace, .. } = c { Some((*file, *replace)) } else { None }).collect()
    }

    fn failure(name: &str) -> ErrorReport {
        ErrorReport::of_file(name, format!("{name} could not be opened: not JSON"), None)
    }

    #[test]
    fn a_batch_is_sent_one_file_after_another_the_first_replacing() {
        let mut l = Loader::default();
        let c = l.start(files(&["a", "b"]), 0.0);
        assert_eq!(sends(&c), [("a", true)]);
        assert!(matches!(l.state(), LoadState::Loading { file_name, queued: 1, .. } if file_name == "a"));
        l.sent(1);
        l.on_progress(1, Phase::Parsing, 10, 10);
        assert!(matches!(l.state(), LoadState::Loading { phase: Phase::Parsing, done_bytes: 10, .. }));
        let c = l.on_loaded(1, summary("a"), 0.0);
        assert_eq!(sends(&c), [("b", false)]);
        l.sent(2);
        let c = l.on_loaded(2, summary("b"), 0.0);
        assert_eq!(c, [Command::Refresh]);
        assert!(matches!(l.state(), LoadState::Ready { summary, failed } if summary.file_name == "b" && failed.is_empty()));
        assert_eq!(l.state().name(), "ready");
    }

    #[test]
    fn one_bad_file_leaves_what_loaded_and_names_it() {
        let mut l = Loader::default();
        l.start(files(&["good", "bad"]), 0.0);
        l.sent(1);
        l.on_loaded(1, summary("good"), 0.0);
        l.sent(2);
        let c = l.on_failed(2, failure("bad"), 0.0);
        assert_eq!(c, [Command::Refresh]);
        let LoadState::Ready { summary, failed } = l.state() else { panic!("{:?}", l.state()) };
        assert_eq!(summary.file_name, "good");
        assert_eq!(failed, &[FailedFile { file_name: "bad".into(), message: "bad could not be opened: not JSON".into() }]);
    }

    #[test]
    fn after_a_bad_first_file_the_next_one_still_replaces() {
        let mut l = Loader::default();
        l.start(files(&["bad", "good"]), 0.0);
        l.sent(1);
        let c = l.on_failed(1, failure("bad"), 0.0);
        assert_eq!(sends(&c), [("good", true)], "the worker still holds the previous batch's files");
        l.sent(2);
        l.on_loaded(2, summary("good"), 0.0);
        assert!(matches!(l.state(), LoadState::Ready { failed, .. } if failed.len() == 1 && failed[0].file_name == "bad"));
    }

    #[test]
    fn a_batch_where_nothing_loads_is_an_error() {
        let mut l = Loader::default();
        l.start(files(&["x", "y"]), 0.0);
        l.sent(1);
        l.on_failed(1, failure("x"), 0.0);
        l.sent(2);
        let c = l.on_failed(2, failure("y"), 0.0);
        assert!(c.is_empty());
        assert_eq!(l.state(), &LoadState::Failed("x could not be opened: not JSON\ny could not be opened: not JSON".into()));
    }

    #[test]
    fn answers_to_other_requests_are_ignored() {
        let mut l = Loader::default();
        l.start(files(&["a"]), 0.0);
        l.sent(5);
        assert!(l.on_loaded(4, summary("old"), 0.0).is_empty());
        assert!(l.on_failed(6, failure("other"), 0.0).is_empty());
        l.on_progress(4, Phase::Analysing, 10, 10);
        assert!(matches!(l.state(), LoadState::Loading { phase: Phase::Reading, .. }));
    }

    #[test]
    fn a_new_batch_replaces_the_one_in_flight() {
        let mut l = Loader::default();
        l.start(files(&["a", "b"]), 0.0);
        l.sent(1);
        let c = l.start(files(&["c"]), 0.0);
        assert_eq!(sends(&c), [("c", true)]);
        l.sent(2);
        assert!(l.on_loaded(1, summary("a"), 0.0).is_empty(), "the old batch's answer");
        l.on_loaded(2, summary("c"), 0.0);
        assert!(matches!(l.state(), LoadState::Ready { summary, .. } if summary.file_name == "c"));
    }

    #[test]
    fn cancel_restarts_the_worker_and_forgets_the_batch() {
        let mut l = Loader::default();
        l.start(files(&["a", "b"]), 0.0);
        l.sent(1);
        assert_eq!(l.cancel(), [Command::RestartWorker]);
        assert_eq!(l.state(), &LoadState::Idle);
        assert!(l.on_loaded(1, summary("a"), 0.0).is_empty(), "a late answer of the cancelled load");
        assert_eq!(l.state(), &LoadState::Idle);
    }

    #[test]
    fn exploring_another_snapshot_changes_the_summary_shown_but_not_a_load() {
        let mut loader = Loader::default();
        let commands = loader.start(files(&["a", "b"]), 0.0);
        assert_eq!(sends(&commands), [("a", true)]);
        loader.sent(1);
        loader.explored(summary("x"));
        assert_eq!(loader.state().name(), "loading", "a load in flight is left alone");
        loader.on_loaded(1, summary("a"), 0.0);
        loader.sent(2);
        loader.on_loaded(2, summary("b"), 0.0);
        loader.explored(summary("a"));
        let LoadState::Ready { summary, .. } = loader.state() else { panic!() };
        assert_eq!(summary.file_name, "a");
    }

    #[test]
    fn a_broken_worker_fails_the_load_in_flight() {
        let mut l = Loader::default();
        l.start(files(&["a", "b"]), 0.0);
        l.sent(1);
        l.on_worker_failed(ErrorReport::new("the analysis worker crashed"));
        assert_eq!(l.state(), &LoadState::Failed("the analysis worker crashed".into()));
        assert!(l.on_loaded(1, summary("a"), 0.0).is_empty());
        assert!(l.start(Vec::new(), 0.0).is_empty(), "an empty batch changes nothing");
        assert_eq!(l.state().name(), "error");
    }
}
