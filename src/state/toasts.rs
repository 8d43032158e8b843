//! Toasts: short result messages, announced by screen readers through an aria-live region.

use leptos::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToastKind {
    Success,
    Info,
    Error,
}

impl ToastKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ToastKind::Success => "success",
            ToastKind::Info => "info",
            ToastKind::Error => "error",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Toast {
    pub id: u64,
    pub kind: ToastKind,
    pub message: String,
}

/// Context handle: push a toast from anywhere.
#[derive(Clone, Copy)]
pub struct Toasts {
    pub list: RwSignal<Vec<Toast>>,
    next: StoredValue<u64>,
}

/// Success and info toasts leave by themselves; errors stay until dismissed.
const AUTO_DISMISS_MS: u32 = 5_000;
/// The oldest go first past this many.
const MAX_VISIBLE: usize = 4;

impl Toasts {
    pub fn push(&self, kind: ToastKind, message: impl Into<String>) {
        let id = self.next.get_value();
        self.next.set_value(id + 1);
        let toast = Toast {
            id,
            kind,
            message: message.into(),
        };
        self.list.update(|l| {
            l.push(toast);
            let extra = l.len().saturating_sub(MAX_VISIBLE);
            l.drain(..extra);
        });
        if kind != ToastKind::Error {
            let this = *self;
            leptos::task::spawn_local(async move {
                gloo_timers::future::TimeoutFuture::new(AUTO_DISMISS_MS).await;
                this.dismiss(id);
            });
        }
    }

    pub fn success(&self, message: impl Into<String>) {
        self.push(ToastKind::Success, message);
    }

    pub fn info(&self, message: impl Into<String>) {
        self.push(ToastKind::Info, message);
    }

    pub fn error(&self, message: impl Into<String>) {
        self.push(ToastKind::Error, message);
    }

    pub fn dismiss(&self, id: u64) {
        self.list.update(|l| l.retain(|t| t.id != id));
    }
}

pub fn provide_toasts() -> Toasts {
    let toasts = Toasts {
        list: RwSignal::new(Vec::new()),
        next: StoredValue::new(1),
    };
    provide_context(toasts);
    toasts
}

pub fn use_toasts() -> Toasts {
    expect_context::<Toasts>()
}
