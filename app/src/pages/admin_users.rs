use crate::api::admin::{
    list_users, CreateUser, ResetPassword, ResetSecondFactor, SetRole, SetUserActive, UserRow,
};
use crate::api::auth::MeView;
use crate::components::signed_in::SignedIn;
use crate::domain::{OrgKind, Role};
use crate::error::AppError;
use crate::pages::not_found::NotFound;
use leptos::prelude::*;
use leptos_meta::Title;

/// User administration of the admin's own organisation.
#[component]
pub fn AdminUsersPage() -> impl IntoView {
    view! {
        <Title text="Users"/>
        <SignedIn
            path="/admin/users"
            page=|user| {
                // For anyone but an admin, this page does not exist.
                if user.role == Role::Admin {
                    view! { <Users user/> }.into_any()
                } else {
                    view! { <NotFound/> }.into_any()
                }
            }
        />
    }
}

fn roles_for(kind: OrgKind) -> Vec<Role> {
    Role::ALL
        .into_iter()
        .filter(|r| r.allowed_in(kind))
        .collect()
}

/// The message of a failed action, for everything but field errors.
fn problem(result: Option<Result<(), AppError>>) -> Option<String> {
    match result? {
        Ok(()) => None,
        Err(AppError::Invalid(fields)) => Some(
            fields
                .into_iter()
                .map(|f| f.message)
                .collect::<Vec<_>>()
                .join("; "),
        ),
        Err(e) => Some(e.user_message()),
    }
}

#[component]
fn Users(user: MeView) -> impl IntoView {
    let create = ServerAction::<CreateUser>::new();
    let set_active = ServerAction::<SetUserActive>::new();
    let set_role = ServerAction::<SetRole>::new();
    let reset = ServerAction::<ResetPassword>::new();
    let reset_two_step = ServerAction::<ResetSecondFactor>::new();
    let users = Resource::new(
        move || {
            (
                create.version().get(),
                set_active.version().get(),
                set_role.version().get(),
                reset.version().get(),
                reset_two_step.version().get(),
            )
        },
        |_| list_users(),
    );
    let kind = user.organisation_kind;
    let message = move || {
        [
            create.value().get(),
            set_active.value().get(),
            set_role.value().get(),
            reset.value().get(),
            reset_two_step.value().get(),
        ]
        .into_iter()
        .find_map(problem)
        .map(|m| view! { <p class="form-error" role="alert">{m}</p> })
    };
    view! {
        <main class="wide">
            <h1>"Users of " {user.organisation_name.clone()}</h1>
            {message}
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match users.await {
                        Ok(rows) => view! { <UserTable rows kind set_active set_role reset reset_two_step/> }.into_any(),
                        Err(e) => view! { <p class="form-error" role="alert">{e.user_message()}</p> }.into_any(),
                    }
                })}
            </Suspense>
            <h2>"Add a user"</h2>
            <ActionForm action=create attr:class="stack narrow-form" attr:id="create-user">
                <label for="new-username">"Username"</label>
                <input id="new-username" name="username" autocomplete="off" required/>
                <label for="new-display-name">"Name shown to colleagues"</label>
                <input id="new-display-name" name="display_name" autocomplete="off" required/>
                <label for="new-role">"Role"</label>
                <select id="new-role" name="role">
                    {roles_for(kind)
                        .into_iter()
                        .map(|r| view! { <option value=r.as_str()>{r.label()}</option> })
                        .collect_view()}
                </select>
                <label for="new-password">"First password"</label>
                <input id="new-password" name="password" type="password" autocomplete="new-password" required/>
                <p class="hint">"Tell it to the person in person or by phone, never by e-mail; they can change it on their account page."</p>
                <button type="submit" class="primary">"Add user"</button>
            </ActionForm>
        </main>
    }
}

#[component]
fn UserTable(
    rows: Vec<UserRow>,
    kind: OrgKind,
    set_active: ServerAction<SetUserActive>,
    set_role: ServerAction<SetRole>,
    reset: ServerAction<ResetPassword>,
    reset_two_step: ServerAction<ResetSecondFactor>,
) -> impl IntoView {
    view! {
        <table class="users" id="users">
            <thead>
                <tr>
                    <th scope="col">"Name"</th>
                    <th scope="col">"Username"</th>
                    <th scope="col">"Role"</th>
                    <th scope="col">"Status"</th>
                    <th scope="col">"Password"</th>
                    <th scope="col">"Two-step sign-in"</th>
                </tr>
            </thead>
            <tbody>
                {rows
                    .into_iter()
                    .map(|u| {
                        let row_id = format!("user-{}", u.username);
                        let current = u.role;
                        let (id_role, id_active, id_reset, id_two_step) =
                            (u.id.clone(), u.id.clone(), u.id.clone(), u.id.clone());
                        view! {
                            <tr id=row_id class:inactive=!u.active>
                                <td>{u.display_name.clone()}</td>
                                <td>{u.username.clone()}</td>
                                <td>
                                    <ActionForm action=set_role attr:class="inline">
                                        <input type="hidden" name="user_id" value=id_role/>
                                        <select name="role" aria-label="Role">
                                            {roles_for(kind)
                                                .into_iter()
                                                .map(|r| view! { <option value=r.as_str() selected=r == current>{r.label()}</option> })
                                                .collect_view()}
                                        </select>
                                        <button type="submit" class="secondary small">"Save"</button>
                                    </ActionForm>
                                </td>
                                <td>
                                    <ActionForm action=set_active attr:class="inline">
                                        <input type="hidden" name="user_id" value=id_active/>
                                        <input type="hidden" name="active" value=(!u.active).to_string()/>
                                        <span class="status">{if u.active { "active" } else { "deactivated" }}</span>
                                        <button type="submit" class="secondary small">
                                            {if u.active { "Deactivate" } else { "Reactivate" }}
                                        </button>
                                    </ActionForm>
                                </td>
                                <td>
                                    <ActionForm action=reset attr:class="inline">
                                        <input type="hidden" name="user_id" value=id_reset/>
                                        <input name="password" type="password" autocomplete="new-password" aria-label="New password" placeholder="new password" required/>
                                        <button type="submit" class="secondary small">"Reset"</button>
                                    </ActionForm>
                                </td>
                                <td>
                                    {if u.totp_enabled {
                                        view! {
                                            <ActionForm action=reset_two_step attr:class="inline">
                                                <input type="hidden" name="user_id" value=id_two_step/>
                                                <span class="status">"on"</span>
                                                <button type="submit" class="secondary small" title="For a lost phone: the user sets it up again">"Turn off"</button>
                                            </ActionForm>
                                        }.into_any()
                                    } else {
                                        view! { <span class="status">"off"</span> }.into_any()
                                    }}
                                </td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}
