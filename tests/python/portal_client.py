"""A portal written in Python: calls the MediaGateway over gRPC with stubs generated from
proto/mediagateway/v1/*.proto by grpcio-tools. Exits non-zero on the first failed check.

The admin steps send the gateway password, the user calls the portal key that configuring the
data source handed out, both in metadata (`mg-gateway-password-bin`, `mg-portal-key-bin`). The
standard health service (grpcio-health-checking) is asked first, without a credential.

With OAUTH_AUTHORIZE_URL and OAUTH_TOKEN_URL set (an OAuth2 server whose tokens the fake
Exchange at EWS_URL trusts), the portal also configures an OAuth2 data source and signs a user
in through it: BeginOauthLogin, the browser's visit to the authorization URL (followed up to the
redirect), FinishOauthLogin, a calendar read with the bearer token.

With CA_FILE the portal speaks TLS and trusts the certificates that CA file holds (the gateway's
self-signed certificate is its own CA), verifying the name `localhost`; without, plain gRPC.

usage: portal_client.py STUB_DIR PORT EWS_URL [CA_FILE]
"""

import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

if len(sys.argv) not in (4, 5):
    sys.exit(__doc__)
stub_dir, port, ews_url = sys.argv[1], int(sys.argv[2]), sys.argv[3]
ca_file = sys.argv[4] if len(sys.argv) == 5 else None
sys.path.insert(0, stub_dir)

import grpc  # noqa: E402
from grpc_health.v1 import health_pb2 as health_pb  # noqa: E402
from grpc_health.v1 import health_pb2_grpc as health_rpc  # noqa: E402
from mediagateway.v1 import admin_pb2 as admin_pb  # noqa: E402
from mediagateway.v1 import admin_pb2_grpc as admin_rpc  # noqa: E402
from mediagateway.v1 import calendar_pb2 as calendar_pb  # noqa: E402
from mediagateway.v1 import calendar_pb2_grpc as calendar_rpc  # noqa: E402
from mediagateway.v1 import common_pb2 as common_pb  # noqa: E402
from mediagateway.v1 import directory_pb2 as directory_pb  # noqa: E402
from mediagateway.v1 import directory_pb2_grpc as directory_rpc  # noqa: E402
from mediagateway.v1 import records_pb2 as records_pb  # noqa: E402
from mediagateway.v1 import sessions_pb2 as sessions_pb  # noqa: E402
from mediagateway.v1 import sessions_pb2_grpc as sessions_rpc  # noqa: E402
from mediagateway.v1 import tables_pb2 as tables_pb  # noqa: E402
from mediagateway.v1 import tables_pb2_grpc as tables_rpc  # noqa: E402

checks = 0


def check(condition, what):
    global checks
    if not condition:
        raise AssertionError(what)
    checks += 1


def expect_error(call, code, kind):
    try:
        call()
    except grpc.RpcError as error:
        metadata = dict(error.trailing_metadata() or ())
        check(error.code() == code, f"status {error.code()} is not {code}")
        name = metadata.get("mg-error-kind")
        check(name == common_pb.ErrorKind.Name(kind),
              f"mg-error-kind {name!r} is not {common_pb.ErrorKind.Name(kind)!r}")
        return
    raise AssertionError(f"expected {code}, the call succeeded")


def open_channel():
    """Connects to 127.0.0.1 (the gateway listens there only), over TLS when a CA is given."""
    if ca_file is None:
        return grpc.insecure_channel(f"127.0.0.1:{port}")
    with open(ca_file, "rb") as pem:
        credentials = grpc.ssl_channel_credentials(root_certificates=pem.read())
    # The certificate names localhost, 127.0.0.1 and ::1; the name checked is localhost.
    return grpc.secure_channel(f"127.0.0.1:{port}", credentials,
                               options=[("grpc.ssl_target_name_override", "localhost")])


channel = open_channel()
health_api = health_rpc.HealthStub(channel)
for service in ["", "mediagateway.v1.Admin", "mediagateway.v1.Sessions", "mediagateway.v1.Calendar",
                "mediagateway.v1.Tables", "mediagateway.v1.Directory"]:
    health = health_api.Check(health_pb.HealthCheckRequest(service=service))
    check(health.status == health_pb.HealthCheckResponse.SERVING, f"health of {service!r}: {health}")
try:
    health_api.Check(health_pb.HealthCheckRequest(service="mediagateway.v1.Contacts"))
    raise AssertionError("the health of an unknown service was answered")
except grpc.RpcError as error:
    check(error.code() == grpc.StatusCode.NOT_FOUND, f"unknown service: status {error.code()}")

admin_api = admin_rpc.AdminStub(channel)
sessions_api = sessions_rpc.SessionsStub(channel)
calendar_api = calendar_rpc.CalendarStub(channel)
admin = common_pb.AdminContext()
as_admin = [("mg-gateway-password-bin", b"1234")]
wrong_password = [("mg-gateway-password-bin", b"nope")]

expect_error(lambda: admin_api.Status(admin_pb.StatusRequest(context=admin), metadata=wrong_password),
             grpc.StatusCode.UNAUTHENTICATED, common_pb.ERROR_KIND_PASSWORD_INCORRECT)
expect_error(lambda: admin_api.Status(admin_pb.StatusRequest(context=admin)),
             grpc.StatusCode.UNAUTHENTICATED, common_pb.ERROR_KIND_PASSWORD_INCORRECT)
status = admin_api.Status(admin_pb.StatusRequest(context=admin), metadata=as_admin)
check(status.default_password, "the default password is flagged")

configured = admin_api.ConfigureDataSource(admin_pb.ConfigureDataSourceRequest(context=admin, config=admin_pb.DataSourceConfig(
    name="Exchange",
    exchange_generation=admin_pb.EXCHANGE_GENERATION_2010_TO_2019,
    authentication=admin_pb.AUTHENTICATION_USER_NAME_PASSWORD,
    service_account=admin_pb.ServiceAccount(user_name="svc-portal@contoso.test",
                                            password="service-password", ews_url=ews_url),
    time_zone="Europe/Berlin",
)), metadata=as_admin)
check(configured.portal_key.startswith("mgk1."), "a new data source hands out its portal key")
as_portal = [("mg-portal-key-bin", configured.portal_key.encode())]
expect_error(lambda: admin_api.Status(admin_pb.StatusRequest(context=admin), metadata=as_portal),
             grpc.StatusCode.PERMISSION_DENIED, common_pb.ERROR_KIND_PERMISSION_DENIED)
# The tables' metadata, with the portal key only.
tables_api = tables_rpc.TablesStub(channel)
metadata = tables_api.Metadata(tables_pb.MetadataRequest(context=common_pb.PortalContext(data_source="Exchange")),
                               metadata=as_portal)
by_name = {t.table: t for t in metadata.tables}
check(sorted(by_name) == ["Appointment", "Attachment", "Contact", "Folder", "Message", "Note", "Task"],
      f"tables {sorted(by_name)}")
start_field = next(f for f in by_name["Appointment"].fields if f.name == "Start")
check(start_field.kind == tables_pb.FIELD_KIND_DATE_TIME and start_field.sortable, f"Start {start_field}")
busy = next(f for f in by_name["Appointment"].fields if f.name == "BusyStatus")
check(busy.kind == tables_pb.FIELD_KIND_ENUMERATION and "OOF" in busy.enumeration_values, f"BusyStatus {busy}")
check(by_name["Attachment"].parent_key == "FKItemID" and by_name["Contact"].stable_key == "PermanentURL",
      "the keys")
expect_error(lambda: tables_api.Metadata(tables_pb.MetadataRequest(
                 context=common_pb.PortalContext(data_source="Exchange")), metadata=as_admin),
             grpc.StatusCode.PERMISSION_DENIED, common_pb.ERROR_KIND_PERMISSION_DENIED)
expect_error(lambda: tables_api.Metadata(tables_pb.MetadataRequest(
                 context=common_pb.PortalContext(data_source="Elsewhere")), metadata=as_portal),
             grpc.StatusCode.UNAUTHENTICATED, common_pb.ERROR_KIND_PORTAL_KEY_INCORRECT)
test = admin_api.TestExchangeAccount(admin_pb.TestExchangeAccountRequest(context=admin, data_source="Exchange"),
                                     metadata=as_admin)
check(test.server_version.startswith("15."), f"server version {test.server_version!r}")

user = common_pb.UserContext(data_source="Exchange", portal_user=str(uuid.uuid4()))
expect_error(lambda: sessions_api.Login(sessions_pb.LoginRequest(context=user, login=sessions_pb.Login(
                 user_name="alice@contoso.test", password="alice-password")), metadata=as_admin),
             grpc.StatusCode.PERMISSION_DENIED, common_pb.ERROR_KIND_PERMISSION_DENIED)
login = sessions_api.Login(sessions_pb.LoginRequest(context=user, login=sessions_pb.Login(
    user_name="alice@contoso.test", password="alice-password")), metadata=as_portal)
check(login.stored and login.mailbox == "alice@contoso.test", f"login {login}")
expect_error(lambda: sessions_api.Login(sessions_pb.LoginRequest(context=user, login=sessions_pb.Login(
                 user_name="alice@contoso.test", password="wrong")), metadata=as_portal),
             grpc.StatusCode.PERMISSION_DENIED, common_pb.ERROR_KIND_EXCHANGE_LOGIN_REFUSED)

start = (int(time.time()) // 3600 + 24) * 3600 * 1000
created = calendar_api.CreateAppointment(calendar_pb.CreateAppointmentRequest(
    context=user, appointment=calendar_pb.NewAppointment(
        subject="Planung – Q1 <Python>", start_ms=start, end_ms=start + 3600_000, location="Raum 4")),
    metadata=as_portal)
check(created.id, "the created appointment has an id")
read = calendar_api.GetAppointment(calendar_pb.GetAppointmentRequest(context=user, id=created.id),
                                   metadata=as_portal)
check(read.subject == "Planung – Q1 <Python>" and read.start_ms == start, f"read back {read}")
found = calendar_api.FindAppointments(calendar_pb.FindAppointmentsRequest(
    context=user, window=calendar_pb.TimeWindow(start_ms=start - 3600_000, end_ms=start + 7200_000)),
    metadata=as_portal)
check([a.id for a in found.appointments] == [created.id], f"found {found}")
# The directory: free/busy times (one's own with details; an unknown mailbox fails alone) and
# name resolution.
directory_api = directory_rpc.DirectoryStub(channel)
free_busy = directory_api.FreeBusy(directory_pb.FreeBusyRequestMessage(
    context=user, request=directory_pb.FreeBusyRequest(
        window=calendar_pb.TimeWindow(start_ms=start - 3600_000, end_ms=start + 7200_000),
        mailboxes=["alice@contoso.test", "nobody@contoso.test"])), metadata=as_portal)
own, unknown = free_busy.mailboxes
check(own.mailbox == "alice@contoso.test" and own.WhichOneof("result") == "free_busy"
      and [(p.start_ms, p.end_ms, p.status, p.subject) for p in own.free_busy.periods]
      == [(start, start + 3600_000, directory_pb.BUSY_STATUS_BUSY, "Planung – Q1 <Python>")],
      f"free/busy {own}")
check(unknown.WhichOneof("result") == "error" and unknown.error.kind == common_pb.ERROR_KIND_MAILBOX_NOT_FOUND,
      f"an unknown mailbox {unknown}")
names = directory_api.ResolveNames(directory_pb.ResolveNamesRequest(
    context=user, request=directory_pb.NameQuery(text="alice", include_contacts=True, max_results=10)),
    metadata=as_portal)
check([(n.address, n.mailbox_type) for n in names.names]
      == [("alice@contoso.test", directory_pb.MAILBOX_TYPE_MAILBOX)], f"names {names}")
expect_error(lambda: directory_api.ResolveNames(directory_pb.ResolveNamesRequest(
                 context=user, request=directory_pb.NameQuery(text="", max_results=10)), metadata=as_portal),
             grpc.StatusCode.INVALID_ARGUMENT, common_pb.ERROR_KIND_INVALID_ARGUMENT)
# Attachments: bytes in, the same bytes out; one past the gateway's limit is refused.
content = bytes(range(256)) * 400
added = calendar_api.AddAttachment(calendar_pb.AddAttachmentRequest(
    context=user, attachment=calendar_pb.NewFileAttachment(
        item_id=created.id, name="Protokoll – März.pdf", content_type="application/pdf", content=content)),
    metadata=as_portal)
check(added.id and added.is_file, f"attachment {added}")
listed = calendar_api.ListAttachments(calendar_pb.ListAttachmentsRequest(context=user, item_id=created.id),
                                      metadata=as_portal)
check([(a.id, a.name, a.size) for a in listed.attachments] == [(added.id, "Protokoll – März.pdf", len(content))],
      f"attachments {listed}")
fetched = calendar_api.GetAttachment(calendar_pb.GetAttachmentRequest(context=user, attachment_id=added.id),
                                     metadata=as_portal)
check(fetched.content == content and fetched.info.content_type == "application/pdf", "the bytes come back whole")
expect_error(lambda: calendar_api.AddAttachment(calendar_pb.AddAttachmentRequest(
                 context=user, attachment=calendar_pb.NewFileAttachment(
                     item_id=created.id, name="too-big.bin", content=b"x" * (3 * 1024 * 1024 + 1))),
                 metadata=as_portal),
             grpc.StatusCode.RESOURCE_EXHAUSTED, common_pb.ERROR_KIND_LIMIT_EXCEEDED)
calendar_api.DeleteAttachment(calendar_pb.DeleteAttachmentRequest(context=user, attachment_id=added.id),
                              metadata=as_portal)
check(not calendar_api.ListAttachments(calendar_pb.ListAttachmentsRequest(context=user, item_id=created.id),
                                       metadata=as_portal).attachments, "the attachment is gone")

# A static user with Alice's login, mapped to a portal user of its own: another portal user
# acts as it by name or through the mapping, never as Alice's own account.
desk_guid = str(uuid.uuid4())
admin_api.PutStaticUser(admin_pb.PutStaticUserRequest(context=admin, user=admin_pb.StaticUser(
    data_source="Exchange", name="Front desk", portal_user=desk_guid,
    user_name="alice@contoso.test", password="alice-password")), metadata=as_admin)
desks = admin_api.ListStaticUsers(admin_pb.ListStaticUsersRequest(context=admin, data_source="Exchange"),
                                  metadata=as_admin)
check([(d.name, d.portal_user, d.mailbox) for d in desks.users] == [("Front desk", desk_guid, "alice@contoso.test")],
      f"static users {desks}")
desk_test = admin_api.TestStaticUser(admin_pb.TestStaticUserRequest(
    context=admin, user=admin_pb.StaticUserRef(data_source="Exchange", name="Front desk")), metadata=as_admin)
check(desk_test.mailbox == "alice@contoso.test", f"the static user's connection test {desk_test}")
expect_error(lambda: admin_api.PutStaticUser(admin_pb.PutStaticUserRequest(context=admin, user=admin_pb.StaticUser(
                 data_source="Exchange", name="x" * 65, user_name="alice@contoso.test", password="alice-password")),
                 metadata=as_admin),
             grpc.StatusCode.INVALID_ARGUMENT, common_pb.ERROR_KIND_INVALID_ARGUMENT)
window = calendar_pb.TimeWindow(start_ms=start - 3600_000, end_ms=start + 7200_000)
newcomer = str(uuid.uuid4())
for switch in [{"static_user": "Front desk"}, {"mapped_user": desk_guid}]:
    as_desk = common_pb.UserContext(data_source="Exchange", portal_user=newcomer, **switch)
    seen = calendar_api.FindAppointments(calendar_pb.FindAppointmentsRequest(context=as_desk, window=window),
                                         metadata=as_portal)
    check([a.id for a in seen.appointments] == [created.id], f"acting as {switch}: {seen}")
for switch in [{"mapped_user": user.portal_user}, {"static_user": "Nobody"}]:
    refused = common_pb.UserContext(data_source="Exchange", portal_user=newcomer, **switch)
    expect_error(lambda: calendar_api.FindAppointments(
                     calendar_pb.FindAppointmentsRequest(context=refused, window=window), metadata=as_portal),
                 grpc.StatusCode.PERMISSION_DENIED, common_pb.ERROR_KIND_PERMISSION_DENIED)
removed = admin_api.RemoveStaticUser(admin_pb.RemoveStaticUserRequest(
    context=admin, user=admin_pb.StaticUserRef(data_source="Exchange", name="Front desk")), metadata=as_admin)
check(removed.was_known, "the static user was removed")

calendar_api.DeleteAppointment(calendar_pb.DeleteAppointmentRequest(context=user, id=created.id),
                               metadata=as_portal)
expect_error(lambda: calendar_api.GetAppointment(calendar_pb.GetAppointmentRequest(context=user, id=created.id),
                                                 metadata=as_portal),
             grpc.StatusCode.NOT_FOUND, common_pb.ERROR_KIND_ITEM_NOT_FOUND)

# Contacts as records: created, found by a filtered and sorted streaming query, updated with
# their change key (a stale one is a conflict) and deleted.
def text(value):
    return records_pb.Value(text=value)


def contact(surname, company):
    return records_pb.Record(table="Contact", values=[
        records_pb.FieldValue(field="Surname", value=text(surname)),
        records_pb.FieldValue(field="GivenName", value=text("Py")),
        records_pb.FieldValue(field="CompanyName", value=text(company)),
        records_pb.FieldValue(field="Birthday", value=records_pb.Value(
            date=records_pb.Date(year=1990, month=3, day=29))),
    ])


def values(record):
    return {v.field: v.value for v in record.values}


def rows(chunk):
    """A query chunk's records, each as {field: value} without the fields it has no value for."""
    check(all(len(row.values) == len(chunk.fields) for row in chunk.rows), f"rows as wide as {chunk.fields}")
    return [{f: v for f, v in zip(chunk.fields, row.values) if v.WhichOneof("kind")} for row in chunk.rows]


made = [tables_api.CreateRecord(tables_pb.CreateRecordRequest(
            context=user, create=records_pb.CreateRecord(record=contact(surname, company))),
            metadata=as_portal)
        for surname, company in [("Zuse", "Henschel"), ("Hopper", "Navy"), ("Liskov", "MIT"),
                                 ("Knuth", "Stanford")]]
check(all(values(r)["ID"].text and values(r)["PermanentURL"].text for r in made), "the keys of new contacts")
check(values(made[0])["Birthday"].date == records_pb.Date(year=1990, month=3, day=29), f"a date {made[0]}")
# Changes since a state: a first sync reports the folder's contacts as created, with a state.
synced = tables_api.Changes(tables_pb.ChangesRequest(context=user, request=records_pb.ChangesQuery(
    table="Contact", max_changes=100)), metadata=as_portal)
check(sorted(values(r)["ID"].text for r in synced.created) == sorted(values(r)["ID"].text for r in made)
      and synced.sync_state, f"the first sync {synced}")
expect_error(lambda: tables_api.Changes(tables_pb.ChangesRequest(context=user, request=records_pb.ChangesQuery(
                 table="Contact", max_changes=100, sync_state="forged")), metadata=as_portal),
             grpc.StatusCode.INVALID_ARGUMENT, common_pb.ERROR_KIND_INVALID_ARGUMENT)
query = records_pb.TableQuery(table="Contact", query=records_pb.Query(
    filter=records_pb.Filter(**{"or": records_pb.Filter.Parts(parts=[
        records_pb.Filter(starts_with=records_pb.Filter.TextTest(field="CompanyName", value="n")),
        records_pb.Filter(compare=records_pb.Filter.Compare(
            field="Surname", op=records_pb.COMPARISON_GREATER_OR_EQUAL, value=records_pb.Literal(text="L"))),
    ])}),
    sort=[records_pb.SortKey(field="Surname", descending=True)],
    fields=["Surname"], page_size=2))
surnames, token = [], None
while True:
    if token:
        query.query.page_token = token
    token = None
    for chunk in tables_api.Query(tables_pb.QueryRequest(context=user, query=query), metadata=as_portal):
        check(not chunk.rows or chunk.table == "Contact", f"the chunk's table {chunk.table}")
        surnames += [r["Surname"].text for r in rows(chunk)]
        check(all("CompanyName" not in r for r in rows(chunk)), "only the selected fields")
        if chunk.HasField("next_page_token"):
            token = chunk.next_page_token
    if not token:
        break
check(surnames == ["Zuse", "Liskov", "Hopper"], f"the query's records {surnames}")
hopper = made[1]
changed = tables_api.UpdateRecord(tables_pb.UpdateRecordRequest(context=user, update=records_pb.UpdateRecord(
    table="Contact", id=values(hopper)["ID"].text, change_key=values(hopper)["ETag"].text,
    changes=[records_pb.FieldChange(field="JobTitle", set=text("Rear Admiral")),
             records_pb.FieldChange(field="CompanyName", clear=common_pb.Empty())])),
    metadata=as_portal)
check(values(changed)["JobTitle"].text == "Rear Admiral" and "CompanyName" not in values(changed),
      f"the update {changed}")
check(values(changed)["ETag"].text != values(hopper)["ETag"].text, "a new change key")
expect_error(lambda: tables_api.UpdateRecord(tables_pb.UpdateRecordRequest(context=user, update=records_pb.UpdateRecord(
                 table="Contact", id=values(hopper)["ID"].text, change_key=values(hopper)["ETag"].text,
                 changes=[records_pb.FieldChange(field="JobTitle", set=text("Admiral"))])), metadata=as_portal),
             grpc.StatusCode.ABORTED, common_pb.ERROR_KIND_CONFLICT)
expect_error(lambda: list(tables_api.Query(tables_pb.QueryRequest(context=user, query=records_pb.TableQuery(
                 table="Contact", query=records_pb.Query(page_size=10, sort=[records_pb.SortKey(field="PermanentURL")]))),
                 metadata=as_portal)),
             grpc.StatusCode.INVALID_ARGUMENT, common_pb.ERROR_KIND_INVALID_ARGUMENT)
# Moved to Deleted Items: a new ID, the same PermanentURL.
moved = tables_api.TransferRecord(tables_pb.TransferRecordRequest(context=user, transfer=records_pb.TransferRecord(
    table="Contact", id=values(made[3])["ID"].text,
    folder=records_pb.FolderRef(well_known=records_pb.WELL_KNOWN_FOLDER_DELETED_ITEMS))), metadata=as_portal)
check(values(moved)["ID"].text != values(made[3])["ID"].text
      and values(moved)["PermanentURL"].text == values(made[3])["PermanentURL"].text, f"the move {moved}")
made[3] = moved
for record in made:
    tables_api.DeleteRecord(tables_pb.DeleteRecordRequest(context=user, delete=records_pb.DeleteRecord(
        table="Contact", id=values(record)["ID"].text, mode=records_pb.DELETE_MODE_HARD)), metadata=as_portal)
expect_error(lambda: tables_api.GetRecord(tables_pb.GetRecordRequest(context=user, get=records_pb.GetRecord(
                 table="Contact", key=records_pb.RecordKey(id=values(made[0])["ID"].text))), metadata=as_portal),
             grpc.StatusCode.NOT_FOUND, common_pb.ERROR_KIND_ITEM_NOT_FOUND)

bad = common_pb.UserContext(data_source="Exchange", portal_user="not-a-guid")
expect_error(lambda: sessions_api.Logout(sessions_pb.LogoutRequest(context=bad), metadata=as_portal),
             grpc.StatusCode.INVALID_ARGUMENT, common_pb.ERROR_KIND_INVALID_ARGUMENT)
expect_error(lambda: calendar_api.FindAppointments(calendar_pb.FindAppointmentsRequest(
                 context=user, window=calendar_pb.TimeWindow(start_ms=10, end_ms=5)), metadata=as_portal),
             grpc.StatusCode.INVALID_ARGUMENT, common_pb.ERROR_KIND_INVALID_ARGUMENT)
expect_error(lambda: calendar_api.FindAppointments(calendar_pb.FindAppointmentsRequest(context=user),
                                                   metadata=as_portal),
             grpc.StatusCode.INVALID_ARGUMENT, common_pb.ERROR_KIND_INVALID_ARGUMENT)

# Known users: the admin sees the logged-in user; a portal key may not look.
query = admin_pb.UserQuery(data_source="Exchange", limit=10)
page = admin_api.ListUsers(admin_pb.ListUsersRequest(context=admin, query=query), metadata=as_admin)
check([u.portal_user for u in page.users] == [user.portal_user] and not page.more, f"users {page}")
expect_error(lambda: admin_api.ListUsers(admin_pb.ListUsersRequest(context=admin, query=query),
                                         metadata=as_portal),
             grpc.StatusCode.PERMISSION_DENIED, common_pb.ERROR_KIND_PERMISSION_DENIED)
for bad in (admin_pb.UserQuery(data_source="Exchange", limit=0),
            admin_pb.UserQuery(data_source="Exchange", limit=501),
            admin_pb.UserQuery(data_source="Exchange", limit=10, filter="x" * 10_000)):
    expect_error(lambda: admin_api.ListUsers(admin_pb.ListUsersRequest(context=admin, query=bad),
                                             metadata=as_admin),
                 grpc.StatusCode.INVALID_ARGUMENT, common_pb.ERROR_KIND_INVALID_ARGUMENT)
alice = admin_pb.UserRef(data_source="Exchange", portal_user=user.portal_user)
details = admin_api.UserDetails(admin_pb.UserDetailsRequest(context=admin, user=alice), metadata=as_admin)
check(details.mailbox == "alice@contoso.test" and details.stored, f"details {details}")

# A rotated key works at once; the old one keeps working for its grace period.
window = calendar_pb.TimeWindow(start_ms=start - 3600_000, end_ms=start + 7200_000)
rotated = admin_api.RotatePortalKey(admin_pb.RotatePortalKeyRequest(
    context=admin, rotation=admin_pb.KeyRotation(data_source="Exchange", grace_seconds=3600)),
    metadata=as_admin)
check(rotated.portal_key.startswith("mgk1.") and rotated.portal_key != configured.portal_key,
      "a new portal key")
as_rotated = [("mg-portal-key-bin", rotated.portal_key.encode())]
for key in (as_rotated, as_portal):
    calendar_api.FindAppointments(calendar_pb.FindAppointmentsRequest(context=user, window=window), metadata=key)
    checks += 1
expect_error(lambda: admin_api.RotatePortalKey(admin_pb.RotatePortalKeyRequest(
                 context=admin, rotation=admin_pb.KeyRotation(data_source="Exchange",
                                                              grace_seconds=8 * 24 * 3600)),
                 metadata=as_admin),
             grpc.StatusCode.INVALID_ARGUMENT, common_pb.ERROR_KIND_INVALID_ARGUMENT)

# Resets: the user must log in again.
reset = admin_api.ResetUser(admin_pb.ResetUserRequest(context=admin, user=alice), metadata=as_admin)
check(reset.was_known, "the reset found the user")
expect_error(lambda: calendar_api.FindAppointments(calendar_pb.FindAppointmentsRequest(
                 context=user, window=window), metadata=as_rotated),
             grpc.StatusCode.FAILED_PRECONDITION, common_pb.ERROR_KIND_NOT_LOGGED_IN)
emptied = admin_api.ResetAllUsers(admin_pb.ResetAllUsersRequest(context=admin, data_source="Exchange"),
                                  metadata=as_admin)
check(emptied.removed == 0, f"reset all {emptied}")

# The data sources: listed and read without their secrets, then deleted with their accounts.
listed = admin_api.ListDataSources(admin_pb.ListDataSourcesRequest(context=admin), metadata=as_admin)
check([s.name for s in listed.data_sources] == ["Exchange"], f"data sources {listed}")
expect_error(lambda: admin_api.ListDataSources(admin_pb.ListDataSourcesRequest(context=admin),
                                               metadata=as_rotated),
             grpc.StatusCode.PERMISSION_DENIED, common_pb.ERROR_KIND_PERMISSION_DENIED)
shown = admin_api.GetDataSource(admin_pb.GetDataSourceRequest(context=admin, data_source="Exchange"),
                                metadata=as_admin)
check(shown.service_user_name == "svc-portal@contoso.test" and shown.ews_url == ews_url
      and shown.time_zone == "Europe/Berlin", f"data source {shown}")
check(b"service-password" not in shown.SerializeToString(), "no password in the reply")
check(shown.HasField("previous_key_until_ms")
      and 3500_000 < shown.previous_key_until_ms - time.time() * 1000 <= 3600_000,
      f"the old key's grace period {shown.previous_key_until_ms}")
expect_error(lambda: admin_api.GetDataSource(admin_pb.GetDataSourceRequest(context=admin, data_source="Nowhere"),
                                             metadata=as_admin),
             grpc.StatusCode.NOT_FOUND, common_pb.ERROR_KIND_UNKNOWN_DATA_SOURCE)
sessions_api.Login(sessions_pb.LoginRequest(context=user, login=sessions_pb.Login(
    user_name="alice@contoso.test", password="alice-password")), metadata=as_rotated)

def oauth_sign_in(authorize_url, token_url):
    """An OAuth2 data source and one user's whole sign-in through it."""
    online = admin_api.ConfigureDataSource(admin_pb.ConfigureDataSourceRequest(context=admin, config=admin_pb.DataSourceConfig(
        name="Online",
        exchange_generation=admin_pb.EXCHANGE_GENERATION_2010_TO_2019,
        authentication=admin_pb.AUTHENTICATION_OAUTH2,
        service_account=admin_pb.ServiceAccount(user_name="svc-portal@contoso.test", ews_url=ews_url),
        time_zone="Europe/Berlin",
        oauth=admin_pb.OAuthSettings(tenant="contoso.test", client_id="python-portal", client_secret="app-secret",
                                     redirect_uri="http://127.0.0.1:9/signed-in",
                                     authorize_endpoint=authorize_url, token_endpoint=token_url),
    )), metadata=as_admin)
    as_online = [("mg-portal-key-bin", online.portal_key.encode())]
    # A password with OAuth2, and half the endpoints, are refused.
    expect_error(lambda: admin_api.ConfigureDataSource(admin_pb.ConfigureDataSourceRequest(
                     context=admin, config=admin_pb.DataSourceConfig(
                         name="Online", exchange_generation=admin_pb.EXCHANGE_GENERATION_2010_TO_2019,
                         authentication=admin_pb.AUTHENTICATION_OAUTH2,
                         service_account=admin_pb.ServiceAccount(user_name="svc-portal@contoso.test",
                                                                 password="service-password", ews_url=ews_url),
                         time_zone="Europe/Berlin",
                         oauth=admin_pb.OAuthSettings(tenant="t", client_id="c", client_secret="s",
                                                      redirect_uri="https://portal.contoso.test/signed-in",
                                                      token_endpoint=token_url))), metadata=as_admin),
                 grpc.StatusCode.INVALID_ARGUMENT, common_pb.ERROR_KIND_INVALID_ARGUMENT)
    carol = common_pb.UserContext(data_source="Online", portal_user=str(uuid.uuid4()))
    started = sessions_api.BeginOauthLogin(sessions_pb.BeginOAuthLoginRequest(
        context=carol, start=sessions_pb.OAuthLoginStart(login_hint="alice@contoso.test")), metadata=as_online)
    url = started.authorization_url
    check(url.startswith(authorize_url) and "code_challenge=" in url, f"authorization URL {url}")

    class Stay(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args):
            return None

    try:
        urllib.request.build_opener(Stay).open(url, timeout=10)
        raise AssertionError("the authorization URL did not redirect")
    except urllib.error.HTTPError as redirect:
        location = redirect.headers["Location"]
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))
    # A forged state, and an oversized one, are refused; the real one signs the user in.
    expect_error(lambda: sessions_api.FinishOauthLogin(sessions_pb.FinishOAuthLoginRequest(
                     context=carol, finish=sessions_pb.OAuthLoginFinish(code=query["code"], state="forged")),
                     metadata=as_online),
                 grpc.StatusCode.INVALID_ARGUMENT, common_pb.ERROR_KIND_INVALID_ARGUMENT)
    expect_error(lambda: sessions_api.FinishOauthLogin(sessions_pb.FinishOAuthLoginRequest(
                     context=carol, finish=sessions_pb.OAuthLoginFinish(code=query["code"], state="s" * 600)),
                     metadata=as_online),
                 grpc.StatusCode.INVALID_ARGUMENT, common_pb.ERROR_KIND_INVALID_ARGUMENT)
    signed_in = sessions_api.FinishOauthLogin(sessions_pb.FinishOAuthLoginRequest(
        context=carol, finish=sessions_pb.OAuthLoginFinish(code=query["code"], state=query["state"])),
        metadata=as_online)
    check(signed_in.stored and signed_in.mailbox == "alice@contoso.test", f"signed in {signed_in}")
    found = calendar_api.FindAppointments(calendar_pb.FindAppointmentsRequest(context=carol, window=window),
                                          metadata=as_online)
    check(len(found.appointments) == 0, f"Alice's calendar through OAuth2: {found}")
    admin_api.DeleteDataSource(admin_pb.DeleteDataSourceRequest(context=admin, data_source="Online"),
                               metadata=as_admin)


if os.environ.get("OAUTH_AUTHORIZE_URL"):
    oauth_sign_in(os.environ["OAUTH_AUTHORIZE_URL"], os.environ["OAUTH_TOKEN_URL"])

deleted = admin_api.DeleteDataSource(admin_pb.DeleteDataSourceRequest(context=admin, data_source="Exchange"),
                                     metadata=as_admin)
check(deleted.removed_accounts == 1, f"deleted {deleted}")
expect_error(lambda: calendar_api.FindAppointments(calendar_pb.FindAppointmentsRequest(
                 context=user, window=window), metadata=as_rotated),
             grpc.StatusCode.UNAUTHENTICATED, common_pb.ERROR_KIND_PORTAL_KEY_INCORRECT)
check(not admin_api.ListDataSources(admin_pb.ListDataSourcesRequest(context=admin),
                                    metadata=as_admin).data_sources, "no data source is left")

expect_error(lambda: admin_api.ChangePassword(admin_pb.ChangePasswordRequest(
                 context=admin, new_password="a long new password"), metadata=wrong_password),
             grpc.StatusCode.UNAUTHENTICATED, common_pb.ERROR_KIND_PASSWORD_INCORRECT)
expect_error(lambda: admin_api.ChangePassword(admin_pb.ChangePasswordRequest(context=admin, new_password="short"),
                                              metadata=as_admin),
             grpc.StatusCode.INVALID_ARGUMENT, common_pb.ERROR_KIND_INVALID_ARGUMENT)
check(admin_api.Status(admin_pb.StatusRequest(context=admin), metadata=as_admin).default_password,
      "a refused change leaves the password as it was")

wire = "over TLS" if ca_file else "over plain gRPC"
signed = ", with an OAuth2 sign-in" if os.environ.get("OAUTH_AUTHORIZE_URL") else ""
print(f"python portal client {wire}{signed}: {checks} checks passed")
