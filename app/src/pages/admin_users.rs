use crate::api::admin::{
    list_users, CreateUser, ResetPassword, ResetSecondFactor, SetDirectoryEditor, SetRole,
    SetUserActive, UserRow,
};
use crate::api::auth::MeView;
use crate::components::signed_in::SignedIn;
use crate::domain::{OrgKind, Role};
use crate::error::AppError;
use crate::i18n::{role_key, t, tf, use_locale, K};
use crate::pages::not_found::NotFound;
use leptos::prelude::*;
use leptos_meta::Title;

/// User administration of the admin's own organisation.
#[component]
pub fn AdminUsersPage() -> impl IntoView {
    // The list and the actions it follows are made here, outside the
    // sign-in check's Suspense: made inside it, the server makes the list
    // again on each rendering pass, and the browser may then hydrate with
    // another one's data (a hydration error, now and then).
    let actions = UserActions {
        create: ServerAction::new(),
        set_active: ServerAction::new(),
        set_role: ServerAction::new(),
        reset: ServerAction::new(),
        reset_two_step: ServerAction::new(),
        set_editor: ServerAction::new(),
    };
    let users = Resource::new(
        move || {
            (
                actions.create.version().get(),
                actions.set_active.version().get(),
                actions.set_role.version().get(),
                actions.reset.version().get(),
                actions.reset_two_step.version().get(),
                actions.set_editor.version().get(),
            )
        },
        |_| list_users(),
    );
    view! {
        <Title text=t(K::admin_title)/>
        <SignedIn
            path="/admin/users"
            page=move |user| {
                // For anyone but an admin, this page does not exist.
                if user.role == Role::Admin {
                    view! { <Users user users actions/> }.into_any()
                } else {
                    view! { <NotFound/> }.into_any()
                }
            }
        />
    }
}

/// What an admin does to the users of the organisation.
#[derive(Clone, Copy)]
struct UserActions {
    create: ServerAction<CreateUser>,
    set_active: ServerAction<SetUserActive>,
    set_role: ServerAction<SetRole>,
    reset: ServerAction<ResetPassword>,
    reset_two_step: ServerAction<ResetSecondFactor>,
    set_editor: ServerAction<SetDirectoryEditor>,
}

fn roles_for(kind: OrgKind) -> Vec<Role> {
    Role::ALL
        .into_iter()
        .filter(|r| r.allowed_in(kind))
        .collect()
}

/// The message of a failed action.
fn problem(locale: crate::i18n::Locale, result: Option<Result<(), AppError>>) -> Option<String> {
    match result? {
        Ok(()) => None,
        Err(AppError::Invalid(fields)) => Some(
            fields
                .into_iter()
                .map(|f| f.message)
                .collect::<Vec<_>>()
                .join("; "),
        ),
        Err(e) => Some(e.message_in(locale)),
    }
}

#[component]
fn Users(
    user: MeView,
    users: Resource<Result<Vec<UserRow>, AppError>>,
    actions: UserActions,
) -> impl IntoView {
    let UserActions {
        create,
        set_active,
        set_role,
        reset,
        reset_two_step,
        set_editor,
    } = actions;
    let kind = user.organisation_kind;
    let locale = use_locale();
    let message = move || {
        [
            create.value().get(),
            set_active.value().get(),
            set_role.value().get(),
            reset.value().get(),
            reset_two_step.value().get(),
            set_editor.value().get(),
        ]
        .into_iter()
        .find_map(|r| problem(locale, r))
        .map(|m| view! { <p class="form-error" role="alert">{m}</p> })
    };
    view! {
        <main class="wide">
            <h1>{tf(K::admin_heading, &[("organisation", &user.organisation_name)])}</h1>
            {message}
            <Suspense fallback=|| view! { <p class="loading">{t(K::app_loading)}</p> }>
                {move || Suspend::new(async move {
                    match users.await {
                        Ok(rows) => view! { <UserTable rows kind set_active set_role reset reset_two_step set_editor/> }.into_any(),
                        Err(e) => view! { <p class="form-error" role="alert">{e.message_in(locale)}</p> }.into_any(),
                    }
                })}
            </Suspense>
            <h2>{t(K::admin_add_heading)}</h2>
            <ActionForm action=create attr:class="stack narrow-form" attr:id="create-user">
                <label for="new-username">{t(K::admin_username)}</label>
                <input id="new-username" name="username" autocomplete="off" required/>
                <label for="new-display-name">{t(K::admin_display_name)}</label>
                <input id="new-display-name" name="display_name" autocomplete="off" required/>
                <label for="new-role">{t(K::admin_role)}</label>
                <select id="new-role" name="role">
                    {roles_for(kind)
                        .into_iter()
                        .map(|r| view! { <option value=r.as_str()>{t(role_key(r))}</option> })
                        .collect_view()}
                </select>
                <label for="new-password">{t(K::admin_first_password)}</label>
                <input id="new-password" name="password" type="password" autocomplete="new-password"/>
                <p class="hint">{t(K::admin_first_password_hint)}</p>
                <button type="submit" class="primary">{t(K::admin_add_submit)}</button>
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
    set_editor: ServerAction<SetDirectoryEditor>,
) -> impl IntoView {
    view! {
        <table class="users" id="users">
            <thead>
                <tr>
                    <th scope="col">{t(K::admin_name)}</th>
                    <th scope="col">{t(K::admin_username)}</th>
                    <th scope="col">{t(K::admin_role)}</th>
                    <th scope="col">{t(K::admin_status)}</th>
                    <th scope="col">{t(K::admin_password)}</th>
                    <th scope="col">{t(K::admin_two_step)}</th>
                    <th scope="col">{t(K::admin_map_editor)}</th>
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
                        let id_editor = u.id.clone();
                        view! {
                            <tr id=row_id class:inactive=!u.active>
                                <td>{u.display_name.clone()}</td>
                                <td>{u.username.clone()}</td>
                                <td>
                                    <ActionForm action=set_role attr:class="inline">
                                        <input type="hidden" name="user_id" value=id_role/>
                                        <select name="role" aria-label=t(K::admin_role)>
                                            {roles_for(kind)
                                                .into_iter()
                                                .map(|r| view! { <option value=r.as_str() selected=r == current>{t(role_key(r))}</option> })
                                                .collect_view()}
                                        </select>
                                        <button type="submit" class="secondary small">{t(K::admin_save)}</button>
                                    </ActionForm>
                                </td>
                                <td>
                                    <ActionForm action=set_active attr:class="inline">
                                        <input type="hidden" name="user_id" value=id_active/>
                                        <input type="hidden" name="active" value=(!u.active).to_string()/>
                                        <span class="status">{if u.active { t(K::admin_active) } else { t(K::admin_deactivated) }}</span>
                                        <button type="submit" class="secondary small">
                                            {if u.active { t(K::admin_deactivate) } else { t(K::admin_reactivate) }}
                                        </button>
                                    </ActionForm>
                                </td>
                                <td>
                                    {if current.reads_cases() {
                                        // The person chooses it, with a supervisor's code.
                                        view! {
                                            <ActionForm action=reset attr:class="inline">
                                                <input type="hidden" name="user_id" value=id_reset/>
                                                <input type="hidden" name="password" value=""/>
                                                {u.waiting_for_setup.then(|| view! { <span class="status waiting">{t(K::admin_waiting_for_setup)}</span> })}
                                                <button type="submit" class="secondary small" title=t(K::admin_require_setup_hint)>{t(K::admin_require_setup)}</button>
                                            </ActionForm>
                                        }.into_any()
                                    } else {
                                        view! {
                                            <ActionForm action=reset attr:class="inline">
                                                <input type="hidden" name="user_id" value=id_reset/>
                                                <input name="password" type="password" autocomplete="new-password" aria-label=t(K::admin_new_password) placeholder=t(K::admin_new_password_placeholder) required/>
                                                <button type="submit" class="secondary small">{t(K::admin_reset)}</button>
                                            </ActionForm>
                                        }.into_any()
                                    }}
                                </td>
                                <td>
                                    {if u.totp_enabled {
                                        view! {
                                            <ActionForm action=reset_two_step attr:class="inline">
                                                <input type="hidden" name="user_id" value=id_two_step/>
                                                <span class="status">{t(K::admin_on)}</span>
                                                <button type="submit" class="secondary small" title=t(K::admin_turn_off_hint)>{t(K::admin_turn_off)}</button>
                                            </ActionForm>
                                        }.into_any()
                                    } else {
                                        view! { <span class="status">{t(K::admin_off)}</span> }.into_any()
                                    }}
                                </td>
                                <td>
                                    <ActionForm action=set_editor attr:class="inline">
                                        <input type="hidden" name="user_id" value=id_editor/>
                                        <input type="hidden" name="editor" value=(!u.directory_editor).to_string()/>
                                        <span class="status">{if u.directory_editor { t(K::admin_on) } else { t(K::admin_off) }}</span>
                                        <button type="submit" class="secondary small" title=t(K::admin_map_editor_hint)>
                                            {if u.directory_editor { t(K::admin_map_editor_remove) } else { t(K::admin_map_editor_make) }}
                                        </button>
                                    </ActionForm>
                                </td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}

/// The route, loaded on demand: with `cargo leptos build --split` its code
/// is a separate WASM file, fetched when the page is first needed.
pub struct AdminUsersRoute;

#[leptos_router::lazy_route]
impl leptos_router::LazyRoute for AdminUsersRoute {
    fn data() -> Self {
        AdminUsersRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <AdminUsersPage/> }.into_any()
    }
}
