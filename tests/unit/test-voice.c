/* The voice and USSD rooms through D-Bus with the test backend: what a call
 * may do in each state (and that refused requests reach no modem), the
 * modem's call updates, the USSD session, and the SIM's emergency numbers. */
#include <gio/gio.h>
#include <string.h>

#include "auth.h"
#include "core-fixture.h"
#include "mmd-errors.h"
#include "plugin-registry.h"

static const TestBackendConfig voice_config
    = { TEST_CAP_ALL | TEST_CAP_VOICE, FALSE, FALSE, TRUE, FALSE };
static const TestBackendConfig no_voice_config = { TEST_CAP_ALL, FALSE, FALSE, TRUE, FALSE };

static MdbusObject *
modem_object(Fixture *f)
{
  return MDBUS_OBJECT(mmd_modem_get_object(f->modem));
}

static MdbusModemVoice *
voice(Fixture *f)
{
  return mdbus_object_peek_modem_voice(modem_object(f));
}

static MdbusModemModem3gppUssd *
ussd(Fixture *f)
{
  return mdbus_object_peek_modem_modem3gpp_ussd(modem_object(f));
}

static TestBackend *
backend(void)
{
  return test_backend_last();
}

static void
enable(Fixture *f)
{
  g_variant_unref(call_ok(f, modem_path(f), "Modem", "Enable", g_variant_new("(b)", TRUE)));
  settle();
  test_backend_clear_calls(backend());
}

/* The Call interface of the object at path (owned by the object manager). */
static MdbusCall *
call_iface(Fixture *f, const char *path)
{
  g_autoptr(GDBusObject) object
      = g_dbus_object_manager_get_object(G_DBUS_OBJECT_MANAGER(f->objects), path);

  g_assert_nonnull(object);
  return mdbus_object_peek_call(MDBUS_OBJECT(object));
}

static char *
create_call(Fixture *f, const char *number)
{
  g_autoptr(GVariant) reply = call_ok(f, modem_path(f), "Modem.Voice", "CreateCall",
                                      g_variant_new_parsed("({'number': <%s>},)", number));
  char *path = NULL;

  g_variant_get(reply, "(o)", &path);
  return path;
}

/* A reply as text, for comparing it. */
static void
assert_reply(GVariant *reply, const char *expected)
{
  g_autofree char *text = g_variant_print(reply, FALSE);

  g_assert_cmpstr(text, ==, expected);
}

static void
call_method_ok(Fixture *f, const char *path, const char *method, GVariant *params)
{
  g_variant_unref(call_ok(f, path, "Call", method, params));
}

static void
assert_state(MdbusCall *call, MmdCallState state, MmdCallStateReason reason)
{
  g_assert_cmpstr(mmd_call_state_to_string(mdbus_call_get_state(call)), ==,
                  mmd_call_state_to_string(state));
  g_assert_cmpstr(mmd_call_state_reason_to_string(mdbus_call_get_state_reason(call)), ==,
                  mmd_call_state_reason_to_string(reason));
}

typedef struct {
  GPtrArray *added;   /* paths */
  GPtrArray *deleted; /* paths */
} CallSignals;

static void
on_call_added(MdbusModemVoice *iface, const char *path, CallSignals *signals)
{
  g_ptr_array_add(signals->added, g_strdup(path));
}

static void
on_call_deleted(MdbusModemVoice *iface, const char *path, CallSignals *signals)
{
  g_ptr_array_add(signals->deleted, g_strdup(path));
}

static void
watch_calls(Fixture *f, CallSignals *signals)
{
  signals->added = g_ptr_array_new_with_free_func(g_free);
  signals->deleted = g_ptr_array_new_with_free_func(g_free);
  g_signal_connect(voice(f), "call-added", G_CALLBACK(on_call_added), signals);
  g_signal_connect(voice(f), "call-deleted", G_CALLBACK(on_call_deleted), signals);
}

static void
unwatch_calls(Fixture *f, CallSignals *signals)
{
  g_signal_handlers_disconnect_by_data(voice(f), signals);
  g_ptr_array_unref(signals->added);
  g_ptr_array_unref(signals->deleted);
}

/* Only modems whose backend provides voice have the interfaces. */
static void
test_interfaces(Fixture *f, gconstpointer data)
{
  gboolean provided = data == &voice_config;

  g_assert_true((voice(f) != NULL) == provided);
  g_assert_true((ussd(f) != NULL) == provided);
}

static void
test_create_call_checks(Fixture *f, gconstpointer data)
{
  static const char *const bad[] = { "12a4", "+49 30", "1\n2", "", "1\0332" };

  enable(f);
  for (gsize i = 0; i < G_N_ELEMENTS(bad); i++)
    call_fails(f, modem_path(f), "Modem.Voice", "CreateCall",
               g_variant_new_parsed("({'number': <%s>},)", bad[i]), ERR("Core.InvalidArgs"));
  call_fails(f, modem_path(f), "Modem.Voice", "CreateCall", g_variant_new_parsed("(@a{sv} {},)"),
             ERR("Core.InvalidArgs"));
  call_fails(f, modem_path(f), "Modem.Voice", "CreateCall",
             g_variant_new_parsed("({'number': <'112'>, 'x': <'y'>},)"), ERR("Core.InvalidArgs"));
  call_fails(f, modem_path(f), "Modem.Voice", "CreateCall",
             g_variant_new_parsed("({'number': <@u 112>},)"), ERR("Core.InvalidArgs"));
  g_assert_cmpstr(test_backend_calls(backend()), ==, "");
  g_assert_cmpuint(g_strv_length((char **)mdbus_modem_voice_get_calls(voice(f))), ==, 0);
}

/* CreateCall -> Start -> ringing -> answered -> DTMF -> Hangup -> DeleteCall,
 * with every request a call in that state may not make refused on the way. */
static void
test_outgoing(Fixture *f, gconstpointer data)
{
  CallSignals signals;
  g_autofree char *path = NULL;
  MdbusCall *call;

  watch_calls(f, &signals);
  path = create_call(f, "+4930123456#");
  g_assert_cmpuint(signals.added->len, ==, 1);
  g_assert_cmpstr(g_ptr_array_index(signals.added, 0), ==, path);
  call = call_iface(f, path);
  g_assert_cmpint(mdbus_call_get_direction(call), ==, MMD_CALL_DIRECTION_OUTGOING);
  g_assert_cmpstr(mdbus_call_get_number(call), ==, "+4930123456#");
  assert_state(call, MMD_CALL_STATE_UNKNOWN, MMD_CALL_STATE_REASON_UNKNOWN);

  /* A disabled modem places no call. */
  call_fails(f, path, "Call", "Start", NULL, ERR("Core.WrongState"));
  enable(f);
  call_fails(f, path, "Call", "Accept", NULL, ERR("Core.WrongState"));
  call_fails(f, path, "Call", "SendDtmf", g_variant_new("(s)", "1"), ERR("Core.WrongState"));
  call_method_ok(f, path, "Start", NULL);
  g_assert_cmpstr(test_backend_calls(backend()), ==, "dial(+4930123456#)");
  assert_state(call, MMD_CALL_STATE_DIALING, MMD_CALL_STATE_REASON_OUTGOING_STARTED);
  call_fails(f, path, "Call", "Start", NULL, ERR("Core.WrongState"));

  mmd_modem_call_update(f->modem, 1, MMD_CALL_DIRECTION_OUTGOING, MMD_CALL_STATE_RINGING_OUT,
                        MMD_CALL_STATE_REASON_OUTGOING_STARTED, "+4930123456#", FALSE);
  assert_state(call, MMD_CALL_STATE_RINGING_OUT, MMD_CALL_STATE_REASON_OUTGOING_STARTED);
  mmd_modem_call_update(f->modem, 1, MMD_CALL_DIRECTION_OUTGOING, MMD_CALL_STATE_ACTIVE,
                        MMD_CALL_STATE_REASON_ACCEPTED, "+4930123456#", FALSE);
  assert_state(call, MMD_CALL_STATE_ACTIVE, MMD_CALL_STATE_REASON_ACCEPTED);
  g_assert_cmpuint(signals.added->len, ==, 1);

  call_fails(f, path, "Call", "SendDtmf", g_variant_new("(s)", "12x"), ERR("Core.InvalidArgs"));
  call_fails(f, path, "Call", "SendDtmf", g_variant_new("(s)", ""), ERR("Core.InvalidArgs"));
  call_fails(f, path, "Call", "SendDtmf", g_variant_new("(s)", "1;ATH"), ERR("Core.InvalidArgs"));
  call_fails(f, path, "Call", "Start", NULL, ERR("Core.WrongState"));
  call_fails(f, path, "Call", "Accept", NULL, ERR("Core.WrongState"));
  g_assert_cmpstr(test_backend_calls(backend()), ==, "dial(+4930123456#)");
  call_method_ok(f, path, "SendDtmf", g_variant_new("(s)", "123#ABCD*"));
  call_method_ok(f, path, "Hangup", NULL);
  g_assert_cmpstr(test_backend_calls(backend()), ==,
                  "dial(+4930123456#),send_dtmf(1,123#ABCD*),hangup(1)");

  mmd_modem_call_update(f->modem, 1, MMD_CALL_DIRECTION_OUTGOING, MMD_CALL_STATE_TERMINATED,
                        MMD_CALL_STATE_REASON_TERMINATED, NULL, FALSE);
  assert_state(call, MMD_CALL_STATE_TERMINATED, MMD_CALL_STATE_REASON_TERMINATED);
  call_fails(f, path, "Call", "Hangup", NULL, ERR("Core.WrongState"));
  g_variant_unref(
      call_ok(f, modem_path(f), "Modem.Voice", "DeleteCall", g_variant_new("(o)", path)));
  g_assert_cmpuint(signals.deleted->len, ==, 1);
  g_assert_cmpstr(g_ptr_array_index(signals.deleted, 0), ==, path);
  g_assert_cmpuint(g_strv_length((char **)mdbus_modem_voice_get_calls(voice(f))), ==, 0);
  /* A terminated call is deleted without asking the modem. */
  g_assert_true(g_str_has_suffix(test_backend_calls(backend()), "hangup(1)"));
  call_fails(f, modem_path(f), "Modem.Voice", "DeleteCall", g_variant_new("(o)", path),
             ERR("Core.NotFound"));
  unwatch_calls(f, &signals);
}

/* The modem numbers the call and reports it ringing before the dial answers
 * (QMI All Call Status before the Dial Call response). */
static void
test_update_before_dial_answers(Fixture *f, gconstpointer data)
{
  g_autofree char *path = NULL;
  Pending *start;
  MdbusCall *call;

  enable(f);
  path = create_call(f, "5551234");
  call = call_iface(f, path);
  test_backend_hold(backend(), "dial(5551234)");
  start = call_start(f, path, "Call", "Start", NULL);
  while (!test_backend_has_held(backend(), "dial(5551234)"))
    g_main_context_iteration(NULL, TRUE);
  mmd_modem_call_update(f->modem, 7, MMD_CALL_DIRECTION_OUTGOING, MMD_CALL_STATE_RINGING_OUT,
                        MMD_CALL_STATE_REASON_OUTGOING_STARTED, "5551234", FALSE);
  assert_state(call, MMD_CALL_STATE_RINGING_OUT, MMD_CALL_STATE_REASON_OUTGOING_STARTED);
  test_backend_release_int(backend(), "dial(5551234)", 7);
  g_variant_unref(call_finish(start, NULL));
  /* Not moved back to dialing, and no second object for the modem's call. */
  assert_state(call, MMD_CALL_STATE_RINGING_OUT, MMD_CALL_STATE_REASON_OUTGOING_STARTED);
  g_assert_cmpuint(g_strv_length((char **)mdbus_modem_voice_get_calls(voice(f))), ==, 1);
  call_method_ok(f, path, "Hangup", NULL);
  g_assert_true(g_str_has_suffix(test_backend_calls(backend()), ",hangup(7)"));
}

static void
test_dial_fails(Fixture *f, gconstpointer data)
{
  g_autofree char *path = NULL;

  enable(f);
  path = create_call(f, "5551234");
  test_backend_fail(backend(), "dial(5551234)",
                    g_error_new(MMD_CONNECTION_ERROR, MMD_CONNECTION_ERROR_NO_CARRIER, "busy"));
  call_fails(f, path, "Call", "Start", NULL, ERR("Connection.NoCarrier"));
  assert_state(call_iface(f, path), MMD_CALL_STATE_TERMINATED, MMD_CALL_STATE_REASON_ERROR);
}

static char *
only_call(Fixture *f)
{
  const char *const *calls = mdbus_modem_voice_get_calls(voice(f));

  g_assert_cmpuint(g_strv_length((char **)calls), ==, 1);
  return g_strdup(calls[0]);
}

static void
test_incoming(Fixture *f, gconstpointer data)
{
  CallSignals signals;
  g_autofree char *path = NULL;
  MdbusCall *call;

  enable(f);
  watch_calls(f, &signals);
  /* RING first, the caller's number (+CLIP) after it. */
  mmd_modem_call_update(f->modem, 1, MMD_CALL_DIRECTION_INCOMING, MMD_CALL_STATE_RINGING_IN,
                        MMD_CALL_STATE_REASON_UNKNOWN, NULL, FALSE);
  g_assert_cmpuint(signals.added->len, ==, 1);
  path = only_call(f);
  call = call_iface(f, path);
  g_assert_cmpstr(mdbus_call_get_number(call), ==, "");
  mmd_modem_call_update(f->modem, 1, MMD_CALL_DIRECTION_INCOMING, MMD_CALL_STATE_RINGING_IN,
                        MMD_CALL_STATE_REASON_UNKNOWN, "+491701234567", FALSE);
  /* the number stays the first one the modem gave */
  mmd_modem_call_update(f->modem, 1, MMD_CALL_DIRECTION_INCOMING, MMD_CALL_STATE_RINGING_IN,
                        MMD_CALL_STATE_REASON_UNKNOWN, "555", FALSE);
  g_assert_cmpuint(signals.added->len, ==, 1);
  g_assert_cmpint(mdbus_call_get_direction(call), ==, MMD_CALL_DIRECTION_INCOMING);
  g_assert_cmpstr(mdbus_call_get_number(call), ==, "+491701234567");
  assert_state(call, MMD_CALL_STATE_RINGING_IN, MMD_CALL_STATE_REASON_INCOMING_NEW);

  call_fails(f, path, "Call", "Start", NULL, ERR("Core.WrongState"));
  call_fails(f, path, "Call", "SendDtmf", g_variant_new("(s)", "1"), ERR("Core.WrongState"));
  call_fails(f, path, "Call", "Deflect", g_variant_new("(s)", "12ab"), ERR("Core.InvalidArgs"));
  g_assert_cmpstr(test_backend_calls(backend()), ==, "");
  call_method_ok(f, path, "Accept", NULL);
  g_assert_cmpstr(test_backend_calls(backend()), ==, "accept(1)");
  mmd_modem_call_update(f->modem, 1, MMD_CALL_DIRECTION_INCOMING, MMD_CALL_STATE_ACTIVE,
                        MMD_CALL_STATE_REASON_ACCEPTED, NULL, FALSE);
  call_fails(f, path, "Call", "Accept", NULL, ERR("Core.WrongState"));
  mmd_modem_call_update(f->modem, 1, MMD_CALL_DIRECTION_INCOMING, MMD_CALL_STATE_TERMINATED,
                        MMD_CALL_STATE_REASON_TERMINATED, NULL, FALSE);
  assert_state(call, MMD_CALL_STATE_TERMINATED, MMD_CALL_STATE_REASON_TERMINATED);
  /* A later update of the finished call changes nothing. */
  mmd_modem_call_update(f->modem, 1, MMD_CALL_DIRECTION_INCOMING, MMD_CALL_STATE_TERMINATED,
                        MMD_CALL_STATE_REASON_ERROR, NULL, FALSE);
  assert_state(call, MMD_CALL_STATE_TERMINATED, MMD_CALL_STATE_REASON_TERMINATED);
  g_assert_cmpuint(signals.added->len, ==, 1);

  /* Ids come back: a new call with the same id is a new object. */
  mmd_modem_call_update(f->modem, 1, MMD_CALL_DIRECTION_INCOMING, MMD_CALL_STATE_RINGING_IN,
                        MMD_CALL_STATE_REASON_INCOMING_NEW, "5550000", FALSE);
  g_assert_cmpuint(signals.added->len, ==, 2);
  g_assert_cmpstr(g_ptr_array_index(signals.added, 1), !=, path);
  /* Deleting a ringing call rejects it first. */
  g_variant_unref(call_ok(f, modem_path(f), "Modem.Voice", "DeleteCall",
                          g_variant_new("(o)", (char *)g_ptr_array_index(signals.added, 1))));
  g_assert_cmpstr(test_backend_calls(backend()), ==, "accept(1),hangup(1)");
  g_assert_cmpuint(signals.deleted->len, ==, 1);
  unwatch_calls(f, &signals);
}

static void
test_waiting_and_multiparty(Fixture *f, gconstpointer data)
{
  g_autofree char *first = NULL;
  const char *const *calls;
  const char *second;

  enable(f);
  mmd_modem_call_update(f->modem, 1, MMD_CALL_DIRECTION_INCOMING, MMD_CALL_STATE_ACTIVE,
                        MMD_CALL_STATE_REASON_ACCEPTED, "5550001", FALSE);
  first = only_call(f);
  mmd_modem_call_update(f->modem, 2, MMD_CALL_DIRECTION_INCOMING, MMD_CALL_STATE_WAITING,
                        MMD_CALL_STATE_REASON_UNKNOWN, "5550002", FALSE);
  calls = mdbus_modem_voice_get_calls(voice(f));
  g_assert_cmpuint(g_strv_length((char **)calls), ==, 2);
  second = calls[1];
  assert_state(call_iface(f, second), MMD_CALL_STATE_WAITING, MMD_CALL_STATE_REASON_UNKNOWN);
  g_variant_unref(call_ok(f, modem_path(f), "Modem.Voice", "HoldAndAccept", NULL));
  mmd_modem_call_update(f->modem, 1, MMD_CALL_DIRECTION_INCOMING, MMD_CALL_STATE_HELD,
                        MMD_CALL_STATE_REASON_UNKNOWN, NULL, FALSE);
  mmd_modem_call_update(f->modem, 2, MMD_CALL_DIRECTION_INCOMING, MMD_CALL_STATE_ACTIVE,
                        MMD_CALL_STATE_REASON_ACCEPTED, NULL, FALSE);
  call_method_ok(f, first, "JoinMultiparty", NULL);
  mmd_modem_call_update(f->modem, 1, MMD_CALL_DIRECTION_INCOMING, MMD_CALL_STATE_ACTIVE,
                        MMD_CALL_STATE_REASON_UNKNOWN, NULL, TRUE);
  g_assert_true(mdbus_call_get_multiparty(call_iface(f, first)));
  g_variant_unref(call_ok(f, modem_path(f), "Modem.Voice", "HangupAndAccept", NULL));
  g_variant_unref(call_ok(f, modem_path(f), "Modem.Voice", "HangupAll", NULL));
  g_assert_cmpstr(test_backend_calls(backend()), ==,
                  "hold_and_accept,join_multiparty(1),hangup_and_accept,hangup_all");
  mmd_modem_calls_all_ended(f->modem, MMD_CALL_STATE_REASON_TERMINATED);
  assert_state(call_iface(f, first), MMD_CALL_STATE_TERMINATED, MMD_CALL_STATE_REASON_TERMINATED);
  assert_state(call_iface(f, second), MMD_CALL_STATE_TERMINATED, MMD_CALL_STATE_REASON_TERMINATED);
  call_fails(f, first, "Call", "LeaveMultiparty", NULL, ERR("Core.WrongState"));
}

static void
test_call_waiting_setting(Fixture *f, gconstpointer data)
{
  g_autoptr(GVariant) off = NULL;
  g_autoptr(GVariant) on = NULL;

  enable(f);
  off = call_ok(f, modem_path(f), "Modem.Voice", "CallWaitingQuery", NULL);
  assert_reply(off, "(false,)");
  g_variant_unref(
      call_ok(f, modem_path(f), "Modem.Voice", "CallWaitingSetup", g_variant_new("(b)", TRUE)));
  on = call_ok(f, modem_path(f), "Modem.Voice", "CallWaitingQuery", NULL);
  assert_reply(on, "(true,)");
  g_assert_cmpstr(test_backend_calls(backend()), ==,
                  "call_waiting_query,call_waiting(on),call_waiting_query");
}

/* Calls a client never deletes make room for new ones; live ones do not. */
static void
test_call_limit(Fixture *f, gconstpointer data)
{
  guint created = 0;
  g_autofree char *error_name = NULL;

  enable(f);
  for (;;) {
    GVariant *reply = call_finish(call_start(f, modem_path(f), "Modem.Voice", "CreateCall",
                                             g_variant_new_parsed("({'number': <'5550000'>},)")),
                                  &error_name);

    if (!reply)
      break;
    g_variant_unref(reply);
    created++;
    g_assert_cmpuint(created, <=, 64);
  }
  g_assert_cmpstr(error_name, ==, ERR("Core.TooMany"));
  g_assert_cmpuint(created, ==, 32);
  /* An incoming call is never lost: a terminated call makes room for it. */
  call_method_ok(f, mdbus_modem_voice_get_calls(voice(f))[0], "Hangup", NULL);
  mmd_modem_call_update(f->modem, 3, MMD_CALL_DIRECTION_INCOMING, MMD_CALL_STATE_RINGING_IN,
                        MMD_CALL_STATE_REASON_INCOMING_NEW, "5551111", FALSE);
  g_assert_cmpuint(g_strv_length((char **)mdbus_modem_voice_get_calls(voice(f))), ==, 32);
}

static void
on_dtmf(MdbusCall *call, const char *dtmf, char **tones)
{
  g_free(*tones);
  *tones = g_strdup(dtmf);
}

/* What a modem says is clean text on D-Bus. */
static void
test_modem_text_cleaned(Fixture *f, gconstpointer data)
{
  g_autofree char *path = NULL;

  enable(f);
  mmd_modem_call_update(f->modem, 2, MMD_CALL_DIRECTION_INCOMING, MMD_CALL_STATE_RINGING_IN,
                        MMD_CALL_STATE_REASON_UNKNOWN, "+49\x1b]0;owned\x07\xff", FALSE);
  path = only_call(f);
  g_assert_cmpstr(mdbus_call_get_number(call_iface(f, path)), ==,
                  "+49\xef\xbf\xbd]0;owned\xef\xbf\xbd");
}

static void
test_dtmf_received(Fixture *f, gconstpointer data)
{
  g_autofree char *path = NULL;
  g_autofree char *tones = NULL;

  enable(f);
  mmd_modem_call_update(f->modem, 4, MMD_CALL_DIRECTION_INCOMING, MMD_CALL_STATE_ACTIVE,
                        MMD_CALL_STATE_REASON_ACCEPTED, "5550004", FALSE);
  path = only_call(f);
  g_signal_connect(call_iface(f, path), "dtmf-received", G_CALLBACK(on_dtmf), &tones);
  mmd_modem_call_dtmf_received(f->modem, 4, "5");
  mmd_modem_call_dtmf_received(f->modem, 9, "6"); /* no such call */
  g_assert_cmpstr(tones, ==, "5");
}

static void
test_emergency_only(Fixture *f, gconstpointer data)
{
  enable(f);
  g_assert_false(mdbus_modem_voice_get_emergency_only(voice(f)));
  mmd_modem_set_registration(f->modem, MMD_MODEM_3GPP_REGISTRATION_STATE_EMERGENCY_ONLY, NULL, NULL,
                             MMD_MODEM_ACCESS_TECHNOLOGY_LTE);
  g_assert_true(mdbus_modem_voice_get_emergency_only(voice(f)));
  mmd_modem_set_registration(f->modem, MMD_MODEM_3GPP_REGISTRATION_STATE_HOME, "26201", "Testnet",
                             MMD_MODEM_ACCESS_TECHNOLOGY_LTE);
  g_assert_false(mdbus_modem_voice_get_emergency_only(voice(f)));
}

static MdbusSim *
sim_iface(Fixture *f)
{
  const char *path = mdbus_modem_get_sim(mdbus_object_peek_modem(modem_object(f)));
  g_autoptr(GDBusObject) object
      = g_dbus_object_manager_get_object(G_DBUS_OBJECT_MANAGER(f->objects), path);

  return mdbus_object_peek_sim(MDBUS_OBJECT(object));
}

static void
assert_numbers(Fixture *f, const char *expected)
{
  g_autofree char *joined = g_strjoinv(",", (char **)mdbus_sim_get_emergency_numbers(sim_iface(f)));

  g_assert_cmpstr(joined, ==, expected);
}

static void
test_emergency_numbers(Fixture *f, gconstpointer data)
{
  const char *const card[] = { "112", "999", "1a2", "112", "", "08\x1b", NULL };
  const char *const junk[] = { "x", NULL };

  assert_numbers(f, "112,911");
  mmd_modem_set_emergency_numbers(f->modem, card);
  assert_numbers(f, "112,999");
  mmd_modem_set_emergency_numbers(f->modem, junk);
  assert_numbers(f, "112,911");
  mmd_modem_set_emergency_numbers(f->modem, card);
  mmd_modem_set_emergency_numbers(f->modem, NULL);
  assert_numbers(f, "112,911");
}

/* USSD */

static void
test_ussd_notification(Fixture *f, gconstpointer data)
{
  g_autoptr(GVariant) reply = NULL;

  call_fails(f, modem_path(f), "Modem.Modem3gpp.Ussd", "Initiate", g_variant_new("(s)", "*100#"),
             ERR("Core.WrongState"));
  enable(f);
  reply = call_ok(f, modem_path(f), "Modem.Modem3gpp.Ussd", "Initiate",
                  g_variant_new("(s)", "*100#"));
  assert_reply(reply, "('Balance: 5.00 EUR',)");
  g_assert_cmpint(mdbus_modem_modem3gpp_ussd_get_state(ussd(f)), ==,
                  MMD_MODEM_3GPP_USSD_SESSION_STATE_IDLE);
  call_fails(f, modem_path(f), "Modem.Modem3gpp.Ussd", "Respond", g_variant_new("(s)", "1"),
             ERR("Core.WrongState"));
  /* Cancel without a session is a no-op. */
  g_variant_unref(call_ok(f, modem_path(f), "Modem.Modem3gpp.Ussd", "Cancel", NULL));
  g_assert_cmpstr(test_backend_calls(backend()), ==, "ussd_initiate(*100#)");
}

static void
test_ussd_menu(Fixture *f, gconstpointer data)
{
  g_autoptr(GVariant) menu = NULL;
  g_autoptr(GVariant) answer = NULL;

  enable(f);
  menu = call_ok(f, modem_path(f), "Modem.Modem3gpp.Ussd", "Initiate",
                 g_variant_new("(s)", "*111#"));
  assert_reply(menu, "('1. Balance 2. Data',)");
  g_assert_cmpint(mdbus_modem_modem3gpp_ussd_get_state(ussd(f)), ==,
                  MMD_MODEM_3GPP_USSD_SESSION_STATE_USER_RESPONSE);
  g_assert_cmpstr(mdbus_modem_modem3gpp_ussd_get_network_request(ussd(f)), ==,
                  "1. Balance 2. Data");
  call_fails(f, modem_path(f), "Modem.Modem3gpp.Ussd", "Initiate", g_variant_new("(s)", "*100#"),
             ERR("Core.WrongState"));
  answer = call_ok(f, modem_path(f), "Modem.Modem3gpp.Ussd", "Respond", g_variant_new("(s)", "2"));
  assert_reply(answer, "('Data: 1 GB left',)");
  g_assert_cmpint(mdbus_modem_modem3gpp_ussd_get_state(ussd(f)), ==,
                  MMD_MODEM_3GPP_USSD_SESSION_STATE_IDLE);

  /* The network asks; Cancel ends it on the modem. */
  mmd_modem_ussd_network(f->modem, MMD_USSD_NETWORK_REQUEST, "Reply 1 to confirm");
  g_assert_cmpint(mdbus_modem_modem3gpp_ussd_get_state(ussd(f)), ==,
                  MMD_MODEM_3GPP_USSD_SESSION_STATE_USER_RESPONSE);
  g_assert_cmpstr(mdbus_modem_modem3gpp_ussd_get_network_request(ussd(f)), ==,
                  "Reply 1 to confirm");
  g_variant_unref(call_ok(f, modem_path(f), "Modem.Modem3gpp.Ussd", "Cancel", NULL));
  g_assert_cmpint(mdbus_modem_modem3gpp_ussd_get_state(ussd(f)), ==,
                  MMD_MODEM_3GPP_USSD_SESSION_STATE_IDLE);
  g_assert_cmpstr(test_backend_calls(backend()), ==,
                  "ussd_initiate(*111#),ussd_respond(2),ussd_cancel");

  mmd_modem_ussd_network(f->modem, MMD_USSD_NETWORK_NOTIFICATION, "Welcome\xff");
  g_assert_cmpstr(mdbus_modem_modem3gpp_ussd_get_network_notification(ussd(f)), ==,
                  "Welcome\xef\xbf\xbd");
  /* a menu keeps its lines; a terminal's escape sequence goes */
  mmd_modem_ussd_network(f->modem, MMD_USSD_NETWORK_NOTIFICATION, "1. A\r\n2. \x1b[31mB");
  g_assert_cmpstr(mdbus_modem_modem3gpp_ussd_get_network_notification(ussd(f)), ==,
                  "1. A\n2. \xef\xbf\xbd[31mB");
  mmd_modem_ussd_network(f->modem, MMD_USSD_NETWORK_REQUEST, "Menu");
  mmd_modem_ussd_network(f->modem, MMD_USSD_NETWORK_END, NULL);
  g_assert_cmpint(mdbus_modem_modem3gpp_ussd_get_state(ussd(f)), ==,
                  MMD_MODEM_3GPP_USSD_SESSION_STATE_IDLE);
}

static void
test_ussd_checks(Fixture *f, gconstpointer data)
{
  g_autofree char *long_gsm = g_strnfill(183, '1');
  g_autofree char *long_ucs2 = NULL;
  GString *cyrillic = g_string_new(NULL);
  const char *bad[] = { "*100#\r", "*1\"00#", "\\", "", long_gsm, NULL };

  for (int i = 0; i < 81; i++)
    g_string_append(cyrillic, "\xd0\x96");
  long_ucs2 = g_string_free(cyrillic, FALSE);
  bad[5] = long_ucs2;
  enable(f);
  for (gsize i = 0; i < G_N_ELEMENTS(bad); i++)
    call_fails(f, modem_path(f), "Modem.Modem3gpp.Ussd", "Initiate", g_variant_new("(s)", bad[i]),
               ERR("Core.InvalidArgs"));
  g_assert_cmpstr(test_backend_calls(backend()), ==, "");
  g_assert_cmpint(mdbus_modem_modem3gpp_ussd_get_state(ussd(f)), ==,
                  MMD_MODEM_3GPP_USSD_SESSION_STATE_IDLE);
}

int
main(int argc, char **argv)
{
  static const MmdPlugin *const plugins[] = { &test_plugin, NULL };

  g_test_init(&argc, &argv, NULL);
  mmd_errors_register();
  mmd_plugins_register(plugins);
  mmd_auth_set_mode(MMD_AUTH_MODE_OWNER);
#define ADD(name, config, fn)                                                                      \
  g_test_add("/voice/" name, Fixture, &config, fixture_set_up, fn, fixture_tear_down)
  ADD("interfaces", voice_config, test_interfaces);
  ADD("interfaces-not-provided", no_voice_config, test_interfaces);
  ADD("create-call-checks", voice_config, test_create_call_checks);
  ADD("outgoing", voice_config, test_outgoing);
  ADD("update-before-dial-answers", voice_config, test_update_before_dial_answers);
  ADD("dial-fails", voice_config, test_dial_fails);
  ADD("incoming", voice_config, test_incoming);
  ADD("waiting-and-multiparty", voice_config, test_waiting_and_multiparty);
  ADD("call-waiting-setting", voice_config, test_call_waiting_setting);
  ADD("call-limit", voice_config, test_call_limit);
  ADD("dtmf-received", voice_config, test_dtmf_received);
  ADD("modem-text-cleaned", voice_config, test_modem_text_cleaned);
  ADD("emergency-only", voice_config, test_emergency_only);
  ADD("emergency-numbers", voice_config, test_emergency_numbers);
  ADD("ussd-notification", voice_config, test_ussd_notification);
  ADD("ussd-menu", voice_config, test_ussd_menu);
  ADD("ussd-checks", voice_config, test_ussd_checks);
#undef ADD
  return g_test_run();
}
