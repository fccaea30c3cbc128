#!/usr/bin/env python3
"""A stand-in for 99designs/aws-vault, for tests: same commands, output forms and error wording.

Its "keyring" is a JSON file named by FAKE_AWS_VAULT_KEYRING:
  {"profiles": {"NAME": {"accessKeyId": ..., "secretAccessKey": ..., "sessionToken": ...,
                         "mfaCode": "123456" (an MFA code is needed: --mfa-token, as stdin is closed),
                         "fail": "text for stderr" (exit 1)}}}
FAKE_AWS_VAULT_VERSION picks the version (default v7.2.0), which decides what it understands, as the real
releases do: 'export --format=json' from 7.0, 'exec --json' from 4.5, 'exec PROFILE -- CMD' always.
FAKE_AWS_VAULT_NO_JSON=1 makes it turn both JSON forms down whatever the version.
Each call is appended to FAKE_AWS_VAULT_LOG (if set) as one JSON line of its arguments.
"""
import datetime
import json
import os
import sys


def version():
    text = os.environ.get("FAKE_AWS_VAULT_VERSION", "v7.2.0").lstrip("v")
    parts = [int(p) for p in text.split(".")]
    return tuple(parts + [0] * (3 - len(parts)))


def fail(message, code=1):
    sys.stderr.write(f"aws-vault: error: {message}\n")
    sys.exit(code)


def credentials(profile, mfa_token):
    with open(os.environ["FAKE_AWS_VAULT_KEYRING"], encoding="utf-8") as f:
        profiles = json.load(f).get("profiles", {})
    entry = profiles.get(profile)
    if entry is None:
        fail(f"exec: Error getting temporary credentials: profile {profile}: credentials missing")
    if entry.get("fail"):
        sys.stderr.write(entry["fail"] + "\n")
        sys.exit(1)
    if entry.get("mfaCode") and mfa_token != entry["mfaCode"]:
        if mfa_token:
            fail(f"exec: Failed to get credentials for {profile}: operation error STS: GetSessionToken, "
                 "api error AccessDenied: MultiFactorAuthentication failed with invalid MFA one time pass code.")
        fail(f"exec: Failed to get credentials for {profile}: MFA prompt failed: EOF")
    expires = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return entry, expires


def as_json(entry, expires, indent):
    data = {"Version": 1, "AccessKeyId": entry["accessKeyId"], "SecretAccessKey": entry["secretAccessKey"]}
    if entry.get("sessionToken"):
        data["SessionToken"] = entry["sessionToken"]
        data["Expiration"] = expires
    return json.dumps(data, indent=2 if indent else None)


def main(argv):
    if os.environ.get("FAKE_AWS_VAULT_LOG"):
        with open(os.environ["FAKE_AWS_VAULT_LOG"], "a", encoding="utf-8") as f:
            f.write(json.dumps(argv, separators=(",", ":")) + "\n")
    ver = version()
    if argv == ["--version"]:
        # kingpin printed the version on stderr in old releases and on stdout in newer ones.
        print("v%d.%d.%d" % ver, file=sys.stdout if ver >= (6, 0, 0) else sys.stderr)
        return 0
    if not argv:
        fail("expected command but got nothing")
    command, rest = argv[0], argv[1:]
    if command not in ("exec", "export"):
        fail(f'expected command but got "{command}"')
    no_json = bool(os.environ.get("FAKE_AWS_VAULT_NO_JSON"))  # a build that lacks the JSON forms
    if command == "export" and (ver < (7, 0, 0) or no_json):
        fail('expected command but got "export"')
    if os.environ.get("AWS_VAULT"):
        fail(f"{command}: aws-vault sessions should be nested with care, unset AWS_VAULT to force")
    options, positional, child = {}, [], []
    i = 0
    while i < len(rest):
        arg = rest[i]
        if arg == "--":
            child = rest[i + 1:]
            break
        if arg.startswith("--"):
            name, _, value = arg[2:].partition("=")
            if name not in ("json", "format", "mfa-token", "no-session", "duration", "region"):
                fail(f"unknown long flag '--{name}'")
            if name == "json" and (ver < (4, 5, 0) or no_json):
                fail("unknown long flag '--json'")
            options[name] = value
        else:
            positional.append(arg)
        i += 1
    if not positional:
        fail("required argument 'profile' not provided")
    profile = positional[0]
    child = child or positional[1:]
    entry, expires = credentials(profile, options.get("mfa-token"))
    if command == "export":
        fmt = options.get("format") or "env"
        if fmt == "json":
            print(as_json(entry, expires, indent=True))
        else:
            print(f"AWS_ACCESS_KEY_ID={entry['accessKeyId']}\nAWS_SECRET_ACCESS_KEY={entry['secretAccessKey']}")
        return 0
    if "json" in options:
        sys.stdout.write(as_json(entry, expires, indent=False))
        return 0
    if not child:
        fail("exec: no command given and SHELL is not set")
    env = dict(os.environ)
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_PROFILE",
                 "AWS_DEFAULT_PROFILE"):
        env.pop(name, None)
    env.update({"AWS_VAULT": profile, "AWS_ACCESS_KEY_ID": entry["accessKeyId"],
                "AWS_SECRET_ACCESS_KEY": entry["secretAccessKey"]})
    if entry.get("sessionToken"):
        env.update({"AWS_SESSION_TOKEN": entry["sessionToken"], "AWS_SECURITY_TOKEN": entry["sessionToken"],
                    "AWS_SESSION_EXPIRATION": expires})
    os.execvpe(child[0], child, env)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
