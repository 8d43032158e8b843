//! The question a switch asks before it activates a webhook that holds deliveries: resume
//! them, or cancel them without sending. The detail page and the list's rows both ask it.

use super::ConfirmDialog;
use leptos::prelude::*;
use switchboard_api::HeldChoice;

/// "1 delivery is held", "3 deliveries are held".
pub fn held_text(n: u32) -> String {
    if n == 1 {
        "1 delivery is held".to_owned()
    } else {
        format!("{n} deliveries are held")
    }
}

#[component]
pub fn HeldPrompt(
    /// Open while true; closed again by "Keep inactive" or Escape.
    open: RwSignal<bool>,
    /// The dialog's heading, e.g. "Activate this webhook?".
    #[prop(into)]
    title: Signal<String>,
    /// How many deliveries are held.
    #[prop(into)]
    held: Signal<u32>,
    /// While the activation runs: the buttons are disabled.
    #[prop(into)]
    pending: Signal<bool>,
    /// Activates the webhook with the user's choice for its held deliveries.
    on_choice: Callback<HeldChoice>,
) -> impl IntoView {
    view! {
        <ConfirmDialog open=open title=title confirm_label="Resume them" dismiss_label="Keep inactive"
            pending=pending
            on_confirm=Callback::new(move |_| on_choice.run(HeldChoice::Resume))>
            <p data-testid="held-message">
                {move || format!("{}: resume them, or cancel them without sending?", held_text(held.get()))}
            </p>
            <p>
                <button type="button" class="button danger" data-testid="held-cancel"
                    disabled=move || pending.get()
                    on:click=move |_| on_choice.run(HeldChoice::Cancel)>
                    "Cancel them"
                </button>
            </p>
        </ConfirmDialog>
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn held_counts_read_as_words() {
        assert_eq!(super::held_text(1), "1 delivery is held");
        assert_eq!(super::held_text(3), "3 deliveries are held");
    }
}
