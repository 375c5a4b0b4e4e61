"""A portal written in Python: calls the MediaGateway over gRPC with stubs generated from
proto/mediagateway/v1/gateway.proto by grpcio-tools. Exits non-zero on the first failed check.

usage: portal_client.py STUB_DIR PORT EWS_URL
"""

import sys
import time
import uuid

stub_dir, port, ews_url = sys.argv[1], int(sys.argv[2]), sys.argv[3]
sys.path.insert(0, stub_dir)

import grpc  # noqa: E402
from mediagateway.v1 import gateway_pb2 as pb  # noqa: E402
from mediagateway.v1 import gateway_pb2_grpc as rpc  # noqa: E402

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
        check(metadata.get("mg-error-kind") == kind,
              f"mg-error-kind {metadata.get('mg-error-kind')!r} is not {kind!r}")
        return
    raise AssertionError(f"expected {code}, the call succeeded")


channel = grpc.insecure_channel(f"127.0.0.1:{port}")
gateway = rpc.MediaGatewayStub(channel)
admin = pb.AdminContext(gateway_password="1234")

expect_error(lambda: gateway.Status(pb.StatusRequest(context=pb.AdminContext(gateway_password="nope"))),
             grpc.StatusCode.UNAUTHENTICATED, "password-incorrect")
status = gateway.Status(pb.StatusRequest(context=admin))
check(status.default_password, "the default password is flagged")

gateway.ConfigureDataSource(pb.ConfigureDataSourceRequest(context=admin, config=pb.DataSourceConfig(
    name="Exchange",
    exchange_version=pb.EXCHANGE_VERSION_2010_TO_2019,
    authentication=pb.AUTHENTICATION_USER_NAME_PASSWORD,
    service_account=pb.ServiceAccount(user_name="svc-portal@contoso.test",
                                      password="service-password", ews_url=ews_url),
    time_zone="Europe/Berlin",
)))
test = gateway.TestExchangeAccount(pb.TestExchangeAccountRequest(context=admin, data_source="Exchange"))
check(test.server_version.startswith("15."), f"server version {test.server_version!r}")

user = pb.UserContext(gateway_password="1234", data_source="Exchange", portal_user=str(uuid.uuid4()))
login = gateway.Login(pb.LoginRequest(context=user, user_name="alice@contoso.test", password="alice-password"))
check(login.stored and login.mailbox == "alice@contoso.test", f"login {login}")
expect_error(lambda: gateway.Login(pb.LoginRequest(context=user, user_name="alice@contoso.test",
                                                   password="wrong")),
             grpc.StatusCode.PERMISSION_DENIED, "exchange-login-refused")

start = (int(time.time()) // 3600 + 24) * 3600 * 1000
created = gateway.CreateAppointment(pb.CreateAppointmentRequest(context=user, appointment=pb.NewAppointment(
    subject="Planung – Q1 <Python>", start_ms=start, end_ms=start + 3600_000, location="Raum 4")))
check(created.id, "the created appointment has an id")
read = gateway.GetAppointment(pb.GetAppointmentRequest(context=user, id=created.id))
check(read.subject == "Planung – Q1 <Python>" and read.start_ms == start, f"read back {read}")
found = gateway.FindAppointments(pb.FindAppointmentsRequest(context=user, start_ms=start - 3600_000,
                                                            end_ms=start + 7200_000))
check([a.id for a in found.appointments] == [created.id], f"found {found}")
gateway.DeleteAppointment(pb.DeleteAppointmentRequest(context=user, id=created.id))
expect_error(lambda: gateway.GetAppointment(pb.GetAppointmentRequest(context=user, id=created.id)),
             grpc.StatusCode.NOT_FOUND, "item-not-found")

bad = pb.UserContext(gateway_password="1234", data_source="Exchange", portal_user="not-a-guid")
expect_error(lambda: gateway.Logout(pb.LogoutRequest(context=bad)),
             grpc.StatusCode.INVALID_ARGUMENT, "invalid-argument")
expect_error(lambda: gateway.FindAppointments(pb.FindAppointmentsRequest(context=user, start_ms=10, end_ms=5)),
             grpc.StatusCode.INVALID_ARGUMENT, "invalid-argument")

print(f"python portal client: {checks} checks passed")
