-- Who made each API token, and the account it depends on. An administrator who leaves, is
-- disabled or is no longer an administrator kept full access through the tokens they had made
-- (a tester found it: a token made by "leaver" still worked after leaver was disabled, and could
-- enable leaver again). A token now has an owner: the local account that made it (through its
-- session), or the owner of the token that made it. Such a token is refused while its owner is
-- not an enabled administrator. Tokens made on the command line, or by an administrator
-- signed on through the municipality's single sign-on (the directory decides about them), have no
-- owner and depend on nobody.
--
-- created_by: the actor as the history names it (a user name, token:NAME, cli:USER), for the list
-- of tokens. Older tokens get both from the administrator's log where it has their creation.

ALTER TABLE api_tokens ADD COLUMN created_by TEXT;
ALTER TABLE api_tokens ADD COLUMN owner TEXT;

UPDATE api_tokens SET created_by = (
  SELECT e.actor FROM admin_events e
  WHERE e.action = 'token.created' AND e.subject = api_tokens.name ORDER BY e.id LIMIT 1);
UPDATE api_tokens SET owner = created_by WHERE created_by IN (SELECT username FROM users);
UPDATE api_tokens SET owner = (SELECT o.owner FROM api_tokens o WHERE 'token:' || o.name = api_tokens.created_by)
WHERE owner IS NULL AND created_by LIKE 'token:%';
