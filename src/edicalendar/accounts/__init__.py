"""People, roles and sign-in: who may see the private plan and who may change it.

Owns people and their roles (viewer, editor, admin), local accounts with argon2id passwords,
one-time invitations, server-side sessions, personal API tokens (stored as digests), sign-in
limits, and single sign-on with OpenID Connect (Microsoft Entra ID for NHSmail, or any
provider). It uses `storage` and `config`; `web` and `cli` call :class:`directory.Accounts`,
the one service both share.
"""
