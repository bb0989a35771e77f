//! The desk's commands: the first-start set-up, signing in and out, the
//! lock, switching who is at the counter, and passwords.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::Command;
use crate::model as m;

command! {
    /// What the desk shows first: the first-start set-up, the sign-in
    /// screen, the lock screen or the app (see [`m::DeskState`]).
    DeskState = "desk_state" {
    } -> m::DeskState
}

command! {
    /// First start of an unclaimed database: gives its administrator
    /// `login` and `password` and signs them in. Errors: `Validation`
    /// (`login`, `password`); `SignIn` (`not_unclaimed`).
    ClaimDesk = "claim_desk" {
        login: String,
        password: m::Password,
    } -> m::AppInfo
}

command! {
    /// First start of an unclaimed desk: points it at a chain server
    /// instead of the shop's file. Signs `server.login` in there with
    /// `password`, keeps the password in the OS keychain and the settings
    /// (no password) in the data folder; the shop's empty file is left
    /// alone. `server.ca_file` must be a file chosen with `pick_ca_file`.
    /// Errors: `SignIn` (`not_unclaimed` once the desk has an
    /// administrator; `wrong_credentials`, `not_a_user`); `Validation`
    /// (`host`, `port`, `database`, `login`, `password`, `ca_file`, `path`:
    /// `not_picked`); `Schema`; `Database` (no server there, or its
    /// certificate fails the TLS mode).
    ConnectServer = "connect_server" {
        server: m::ServerSettings,
        password: m::Password,
    } -> m::AppInfo
}

command! {
    /// Opens the system file picker for the certificate authority's PEM
    /// file of a chain server; `None` if cancelled. The chosen file is one
    /// `connect_server` may name.
    PickCaFile = "pick_ca_file" {
    } -> Option<String>
}

command! {
    /// Signs in by login and password, replacing whoever was signed in.
    /// Errors: `SignIn` (`wrong_credentials`, `too_many_attempts`).
    SignIn = "sign_in" {
        login: String,
        password: m::Password,
    } -> m::AppInfo
}

command! {
    /// Unlocks a locked desk with the password of the user who locked it.
    /// Errors: `SignedOut` when nobody is signed in; `SignIn`.
    UnlockDesk = "unlock_desk" {
        password: m::Password,
    } -> m::AppInfo
}

command! {
    /// Locks the desk: every command but the sign-in ones answers
    /// `SignedOut` until the user unlocks it or another signs in.
    LockDesk = "lock_desk" {
    } -> ()
}

command! {
    /// Signs the user out of this desk.
    SignOut = "sign_out" {
    } -> ()
}

command! {
    /// Changes who is at the counter: `user` of the same tenant, proved by
    /// their own password or PIN. Errors: `SignedOut`; `SignIn`.
    SwitchUser = "switch_user" {
        user: Uuid,
        password: m::Password,
    } -> m::AppInfo
}

command! {
    /// Sets a user's password (and login, when not empty): admins for
    /// anyone, store managers for their staff. Errors: `Forbidden`,
    /// `NotFound`, `Validation` (`login`, `password`).
    SetPassword = "set_password" {
        user: Uuid,
        login: String,
        password: m::Password,
    } -> m::User
}

command! {
    /// Changes the signed-in user's own password. Errors: `SignIn` (a wrong
    /// current password), `Validation` (`password`).
    ChangePassword = "change_password" {
        current: m::Password,
        new: m::Password,
    } -> ()
}

command! {
    /// "Forget this computer": deletes this desk's chain-server password
    /// from the OS keychain; whether there was one. Store managers and
    /// admins. Errors: `Forbidden`; `Validation` (`database_url`:
    /// `not_a_server_login` on the embedded database); `Io` (the keychain).
    ForgetComputer = "forget_computer" {
    } -> bool
}

command! {
    /// Deactivates (`active: false`) or reactivates a user: see
    /// `services::staff::set_active`. Errors: `Forbidden`; `NotFound`;
    /// `Validation` (`user`: `not_yourself`, `last_admin`).
    SetUserActive = "set_user_active" {
        user: Uuid,
        active: bool,
    } -> m::User
}

command! {
    /// Sets after how many idle minutes the tenant's desks lock (0 =
    /// never, at most 480). Admins only. Errors: `Forbidden`, `Validation`.
    SetIdleLock = "set_idle_lock" {
        minutes: u32,
    } -> m::Tenant
}
