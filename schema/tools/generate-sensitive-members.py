#!/usr/bin/env python3
"""Generates aws-sensitive-members.tsv: the members AWS's own service models mark sensitive.

AWS marks sensitive data in its service models: a shape with "sensitive": true (a password string,
a credentials structure, an environment-variables map). botocore ships those models as
data/<service>/<api-version>/service-2.json. This script walks every operation's input and output
shape and writes one line per place where a sensitive shape is reached:

    service  operation  direction  path  type  flag

- service, operation: as the AWS CLI spells them (`aws rds create-db-instance`).
- direction: `input` (what a command sets) or `output` (what the operation returns).
- path: model member names from the operation's input or output structure, `.` between members,
  `[]` for any element of a list, `.*` for any value of a map: `MasterUserPassword`,
  `Environment.Variables`, `Credentials`, `Parameters[].Value`. Everything below the path is
  sensitive; nothing inside a sensitive shape is listed again.
  A few operations reach the same sensitive member through hundreds of paths (QuickSight's
  visual definitions hold `NullString`, `Prefix` and `Suffix` in 700-900 places each). Those
  are written once as `Definition.**.NullString`: `**` is any number of levels. The script writes
  that only when at least COLLAPSE_AT paths share the member name and every member of that name
  below the top member is sensitive in the model, so the short form hides exactly what the long
  list would.
- type: the model type of the shape at the path (string, structure, map, list, blob, ...).
- flag: for input, the CLI option that sets the path's first member (`--master-user-password`);
  `-` for output.

Only the standard library is used; botocore's data directory is read as JSON. The CLI's names
follow botocore's xform_name (re-implemented here, checked by --self-test and, when botocore can
be imported, against botocore.xform_name for every name written) and the CLI's own renames, listed
below. Run it from the repository root after installing botocore (Debian: apt-get install
python3-botocore), and commit the table it writes:

    python3 schema/tools/generate-sensitive-members.py \
        --data /usr/lib/python3/dist-packages/botocore/data \
        --out schema/src/main/resources/dev/mcpaudit/schema/redact/aws-sensitive-members.tsv
"""
import argparse
import datetime
import gzip
import json
import os
import re
import sys

# Services the AWS CLI names differently from botocore's data directory
# (awscli/customizations: s3 -> s3api, codedeploy -> deploy, configservice/rename_cmd -> configservice).
CLI_SERVICE_NAMES = {"s3": "s3api", "codedeploy": "deploy", "config": "configservice"}

# Arguments the AWS CLI renames (awscli/customizations/argrename.py, ARGUMENT_RENAMES), keyed
# <cli service>.<cli operation or *>.<xform'd name>. Only entries that can touch an input member
# are needed; the script prints any rename that hit a sensitive member.
ARGUMENT_RENAMES = {
    "ec2.create-image.no-no-reboot": "reboot",
    "ec2.*.no-egress": "ingress",
    "ec2.*.no-disable-api-termination": "enable-api-termination",
    "opsworks.*.region": "stack-region",
    "elastictranscoder.*.output": "job-output",
    "swf.register-activity-type.version": "activity-version",
    "swf.register-workflow-type.version": "workflow-version",
    "datapipeline.*.query": "objects-query",
    "datapipeline.get-pipeline-definition.version": "pipeline-version",
    "emr.*.job-flow-ids": "cluster-ids",
    "emr.*.job-flow-id": "cluster-id",
    "cloudsearchdomain.search.query": "search-query",
    "cloudsearchdomain.suggest.query": "suggest-query",
    "sns.subscribe.endpoint": "notification-endpoint",
    "deploy.*.s-3-location": "s3-location",
    "deploy.*.ec-2-tag-filters": "ec2-tag-filters",
    "codepipeline.get-pipeline.version": "pipeline-version",
    "codepipeline.create-custom-action-type.version": "action-version",
    "codepipeline.delete-custom-action-type.version": "action-version",
    "kinesisanalytics.add-application-output.output": "application-output",
    "kinesisanalyticsv2.add-application-output.output": "application-output",
    "stepfunctions.send-task-success.output": "task-output",
    "workdocs.create-notification-subscription.endpoint": "notification-endpoint",
    "workdocs.describe-users.query": "user-query",
    "mobile.create-project.region": "project-region",
    "rekognition.create-stream-processor.output": "stream-processor-output",
    "iotwireless.*.lo-ra-wan": "lorawan",
    "ecs.*.no-enable-execute-command": "disable-execute-command",
    "ecs.execute-command.no-interactive": "non-interactive",
}

# Paths sharing a member name under one top member are written as Top.**.Name from this many on.
COLLAPSE_AT = 20

# botocore/__init__.py: xform_name and the names its regexes get wrong.
_FIRST_CAP = re.compile("(.)([A-Z][a-z]+)")
_END_CAP = re.compile("([a-z0-9])([A-Z])")
_SPECIAL_PLURAL = re.compile("[A-Z]{2,}s$")
_XFORM_EXCEPTIONS = {
    "CreateCachediSCSIVolume": "create-cached-iscsi-volume",
    "DescribeCachediSCSIVolumes": "describe-cached-iscsi-volumes",
    "DescribeStorediSCSIVolumes": "describe-stored-iscsi-volumes",
    "CreateStorediSCSIVolume": "create-stored-iscsi-volume",
    "ListHITsForQualificationType": "list-hits-for-qualification-type",
    "ExecutePartiQLStatement": "execute-partiql-statement",
    "ExecutePartiQLTransaction": "execute-partiql-transaction",
    "ExecutePartiQLBatch": "execute-partiql-batch",
}


def xform_name(name, sep="-"):
    """CamelCase to the CLI's kebab-case, as botocore.xform_name(name, '-') does."""
    if sep in name:
        return name
    if sep == "-" and name in _XFORM_EXCEPTIONS:
        return _XFORM_EXCEPTIONS[name]
    plural = _SPECIAL_PLURAL.search(name)
    if plural:
        name = name[: -len(plural.group())] + sep + plural.group().lower()
    s1 = _FIRST_CAP.sub(r"\1" + sep + r"\2", name)
    return _END_CAP.sub(r"\1" + sep + r"\2", s1).lower()


SELF_TEST_CASES = {
    "MasterUserPassword": "master-user-password",
    "DBClusterIdentifier": "db-cluster-identifier",
    "CreateDBInstance": "create-db-instance",
    "SSEKMSKeyId": "ssekms-key-id",  # aws s3api put-object --ssekms-key-id, not --sse-kms-key-id
    "SSECustomerKey": "sse-customer-key",
    "GatewayARNs": "gateway-arns",
    "ListWebACLs": "list-web-acls",
    "AuthParameters": "auth-parameters",
    "PublicKeyBase64": "public-key-base64",
    "CodeSha256": "code-sha256",
    "Ec2TagSet": "ec2-tag-set",
    "CreateCachediSCSIVolume": "create-cached-iscsi-volume",
    "ExecutePartiQLStatement": "execute-partiql-statement",
    "already-kebab": "already-kebab",
}


def self_test():
    failures = [(n, xform_name(n), want) for n, want in SELF_TEST_CASES.items() if xform_name(n) != want]
    for name, got, want in failures:
        print(f"xform_name({name!r}) = {got!r}, expected {want!r}", file=sys.stderr)
    try:
        import botocore  # noqa: only to compare, never needed
        mismatched = [n for n in SELF_TEST_CASES if botocore.xform_name(n, "-") != xform_name(n)]
        for n in mismatched:
            print(f"botocore.xform_name({n!r}, '-') = {botocore.xform_name(n, '-')!r}, ours {xform_name(n)!r}",
                  file=sys.stderr)
        failures += mismatched
    except ImportError:
        pass
    print("self-test:", "FAILED" if failures else f"{len(SELF_TEST_CASES)} names ok")
    return 1 if failures else 0


def botocore_version(data_dir):
    init = os.path.join(os.path.dirname(os.path.abspath(data_dir)), "__init__.py")
    try:
        with open(init, encoding="utf-8") as f:
            m = re.search(r"^__version__\s*=\s*['\"]([^'\"]+)['\"]", f.read(), re.M)
            return m.group(1) if m else "unknown"
    except OSError:
        return "unknown"


def latest_model(service_dir):
    """botocore loads the newest API version: the greatest directory name holding a service-2 model."""
    for version in sorted(os.listdir(service_dir), reverse=True):
        for name in ("service-2.json", "service-2.json.gz"):
            path = os.path.join(service_dir, version, name)
            if os.path.isfile(path):
                opener = gzip.open if name.endswith(".gz") else open
                with opener(path, "rt", encoding="utf-8") as f:
                    return version, json.load(f)
    return None, None


class Walker:
    """Finds the paths at which an operation's input or output reaches a sensitive shape."""

    def __init__(self, shapes):
        self.shapes = shapes

    def walk(self, shape_name, path, seen, out, member_sensitive=False):
        shape = self.shapes[shape_name]
        if shape.get("sensitive") or member_sensitive:
            out.append((path, shape["type"]))
            return
        if shape_name in seen:  # a recursive shape: whatever is sensitive below was found on the first visit
            return
        seen = seen | {shape_name}
        kind = shape["type"]
        if kind == "structure":
            for member, ref in shape.get("members", {}).items():
                self.walk(ref["shape"], f"{path}.{member}" if path else member, seen, out, ref.get("sensitive", False))
        elif kind == "list":
            ref = shape["member"]
            self.walk(ref["shape"], path + "[]", seen, out, ref.get("sensitive", False))
        elif kind == "map":
            ref = shape["value"]
            self.walk(ref["shape"], path + ".*", seen, out, ref.get("sensitive", False))


    def always_sensitive_below(self, shape_name, member_name):
        """True when every member called member_name reachable from shape_name is sensitive."""
        stack, seen = [shape_name], set()
        while stack:
            name = stack.pop()
            shape = self.shapes[name]
            if name in seen or shape.get("sensitive"):
                continue
            seen.add(name)
            refs = []
            if shape["type"] == "structure":
                for member, ref in shape.get("members", {}).items():
                    if member == member_name and not (ref.get("sensitive") or self.shapes[ref["shape"]].get("sensitive")):
                        return False
                    refs.append(ref)
            elif shape["type"] == "list":
                refs.append(shape["member"])
            elif shape["type"] == "map":
                refs.append(shape["value"])
            stack.extend(r["shape"] for r in refs if not r.get("sensitive"))
        return True


def collapse(walker, top_shapes, found):
    """Replaces many paths to one member name below one top member by Top.**.Name, where exact."""
    groups = {}
    for path, kind in found:
        if not path:
            continue  # the whole input or output marked sensitive: not seen in any model
        top = re.split(r"[.\[]", path, maxsplit=1)[0]
        leaf = re.findall(r"[A-Za-z0-9_]+", path)[-1]
        groups.setdefault((top, leaf), []).append((path, kind))
    out = []
    for (top, leaf), members in sorted(groups.items()):
        if len(members) >= COLLAPSE_AT and top != leaf and walker.always_sensitive_below(top_shapes[top], leaf):
            out.append((f"{top}.**.{leaf}", "|".join(sorted({k for _, k in members}))))
        else:
            out.extend(members)
    return out


def cli_flag(service, operation, member, renames_used):
    flag = xform_name(member)
    for key in (f"{service}.{operation}.{flag}", f"{service}.*.{flag}", f"*.*.{flag}"):
        if key in ARGUMENT_RENAMES:
            renames_used.append(f"{service} {operation} --{flag} -> --{ARGUMENT_RENAMES[key]}")
            return "--" + ARGUMENT_RENAMES[key]
    return "--" + flag


def generate(data_dir):
    rows = set()
    renames_used = []
    names = []  # every name put through xform_name, to compare with botocore's own
    services = 0
    for service in sorted(os.listdir(data_dir)):
        service_dir = os.path.join(data_dir, service)
        if not os.path.isdir(service_dir):
            continue
        version, model = latest_model(service_dir)
        if model is None:
            continue
        services += 1
        cli_service = CLI_SERVICE_NAMES.get(service, service)
        walker = Walker(model["shapes"])
        for op_name, op in model.get("operations", {}).items():
            names.append(op_name)
            cli_op = xform_name(op_name)
            for direction in ("input", "output"):
                ref = op.get(direction)
                if not ref:
                    continue
                found = []
                walker.walk(ref["shape"], "", frozenset(), found)
                top_shapes = {m: r["shape"] for m, r in model["shapes"][ref["shape"]].get("members", {}).items()}
                found = collapse(walker, top_shapes, found)
                for path, kind in found:
                    if not path:
                        continue  # the whole input or output marked sensitive: never seen; would need a flag per member
                    if direction == "input":
                        top = re.split(r"[.\[]", path, maxsplit=1)[0]
                        names.append(top)
                        flag = cli_flag(cli_service, cli_op, top, renames_used)
                    else:
                        flag = "-"
                    rows.add((cli_service, cli_op, direction, path, kind, flag))
    return services, sorted(rows), renames_used, names


def check_against_botocore(names):
    try:
        import botocore
    except ImportError:
        print("botocore cannot be imported; names were not compared with botocore.xform_name", file=sys.stderr)
        return 0
    bad = sorted({n for n in names if botocore.xform_name(n, "-") != xform_name(n)})
    for n in bad:
        print(f"xform_name differs from botocore for {n!r}: {xform_name(n)!r} vs {botocore.xform_name(n, '-')!r}",
              file=sys.stderr)
    print(f"{len(set(names))} names compared with botocore.xform_name: {len(bad)} differ", file=sys.stderr)
    return len(bad)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default="/usr/lib/python3/dist-packages/botocore/data",
                        help="botocore's data directory")
    parser.add_argument("--out", help="the table to write (default: stdout)")
    parser.add_argument("--date", default=datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d"),
                        help="the generation date written in the header (default: today, UTC)")
    parser.add_argument("--self-test", action="store_true", help="check xform_name on known names and exit")
    args = parser.parse_args()
    if args.self_test:
        return self_test()
    if self_test() != 0:
        return 1

    services, rows, renames_used, names = generate(args.data)
    if check_against_botocore(names):
        return 1
    for r in renames_used:
        print("renamed by the CLI:", r, file=sys.stderr)
    version = botocore_version(args.data)
    lines = [
        f"# AWS sensitive members, generated by schema/tools/generate-sensitive-members.py on {args.date}",
        f"# from botocore {version} ({services} service models; the newest API version of each); do not edit by hand.",
        "# CLI service names differing from botocore's: "
        + ", ".join(f"{b} -> {c}" for b, c in sorted(CLI_SERVICE_NAMES.items())) + ".",
        "# columns: service, operation, direction, path ('.' member, '[]' any list element, '.*' any map value, "
        "'**' any number of levels), "
        "type, flag (input only)",
    ]
    lines += ["\t".join(r) for r in rows]
    text = "\n".join(lines) + "\n"
    if args.out:
        with open(args.out, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    inputs = sum(1 for r in rows if r[2] == "input")
    print(f"{len(rows)} rows ({inputs} input, {len(rows) - inputs} output) from {services} services, botocore {version}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
