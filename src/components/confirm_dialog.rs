//! A modal confirmation on the native `<dialog>`: it traps focus, closes on Escape and gives
//! focus back to what opened it.

use leptos::html;
use leptos::prelude::*;

#[component]
pub fn ConfirmDialog(
    /// Open while true; the dialog sets it false when dismissed.
    open: RwSignal<bool>,
    /// Heading of the dialog.
    #[prop(into)]
    title: Signal<String>,
    /// Label of the confirming button.
    #[prop(into)]
    confirm_label: Signal<String>,
    /// Called when the user confirms.
    on_confirm: Callback<()>,
    /// A destructive action: the confirm button is red.
    #[prop(optional)]
    danger: bool,
    /// Disables the buttons while the action runs.
    #[prop(optional, into)]
    pending: Signal<bool>,
    /// The explanation.
    children: ChildrenFn,
) -> impl IntoView {
    let dialog = NodeRef::<html::Dialog>::new();
    Effect::new(move |_| {
        let Some(d) = dialog.get() else { return };
        if open.get() {
            if !d.open() {
                let _ = d.show_modal();
            }
        } else if d.open() {
            d.close();
        }
    });
    let confirm_class = if danger { "button danger" } else { "button primary" };
    view! {
        <dialog
            node_ref=dialog
            class="dialog"
            data-testid="confirm-dialog"
            aria-labelledby="confirm-dialog-title"
            on:close=move |_| open.set(false)
        >
            <h2 id="confirm-dialog-title">{move || title.get()}</h2>
            <div class="dialog-body">{children()}</div>
            <div class="dialog-actions">
                <button type="button" class="button" data-testid="confirm-cancel" autofocus
                    on:click=move |_| open.set(false)>
                    "Cancel"
                </button>
                <button type="button" class=confirm_class data-testid="confirm-ok"
                    disabled=move || pending.get()
                    on:click=move |_| on_confirm.run(())>
                    {move || confirm_label.get()}
                </button>
            </div>
        </dialog>
    }
}
