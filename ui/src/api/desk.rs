//! The desk's commands: signing in, the lock, switching user, passwords.

use banco::model::{AppInfo, DeskState, Password, ServerSettings, Tenant, User};
use banco::wire;
use banco::ErrorPayload;
use uuid::Uuid;

use super::invoke;

pub async fn switch_user(user: Uuid, password: Password) -> Result<AppInfo, ErrorPayload> {
    invoke(wire::SwitchUser { user, password }).await
}
pub async fn desk_state() -> Result<DeskState, ErrorPayload> {
    invoke(wire::DeskState {}).await
}
pub async fn claim_desk(login: &str, password: Password) -> Result<AppInfo, ErrorPayload> {
    invoke(wire::ClaimDesk {
        login: login.into(),
        password,
    })
    .await
}
pub async fn sign_in(login: &str, password: Password) -> Result<AppInfo, ErrorPayload> {
    invoke(wire::SignIn {
        login: login.into(),
        password,
    })
    .await
}
pub async fn unlock_desk(password: Password) -> Result<AppInfo, ErrorPayload> {
    invoke(wire::UnlockDesk { password }).await
}
pub async fn lock_desk() -> Result<(), ErrorPayload> {
    invoke(wire::LockDesk {}).await
}
pub async fn set_password(
    user: Uuid,
    login: &str,
    password: Password,
) -> Result<User, ErrorPayload> {
    invoke(wire::SetPassword {
        user,
        login: login.into(),
        password,
    })
    .await
}
pub async fn change_password(current: Password, new: Password) -> Result<(), ErrorPayload> {
    invoke(wire::ChangePassword { current, new }).await
}
pub async fn forget_computer() -> Result<bool, ErrorPayload> {
    invoke(wire::ForgetComputer {}).await
}
pub async fn set_idle_lock(minutes: u32) -> Result<Tenant, ErrorPayload> {
    invoke(wire::SetIdleLock { minutes }).await
}
pub async fn connect_server(
    server: ServerSettings,
    password: Password,
) -> Result<AppInfo, ErrorPayload> {
    invoke(wire::ConnectServer { server, password }).await
}
pub async fn set_user_active(user: Uuid, active: bool) -> Result<User, ErrorPayload> {
    invoke(wire::SetUserActive { user, active }).await
}
pub async fn pick_ca_file() -> Result<Option<String>, ErrorPayload> {
    invoke(wire::PickCaFile {}).await
}
