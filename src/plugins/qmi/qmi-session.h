/* One packet data session on one WDS client: Set IP Family, Start Network,
 * Get Current Settings. A bearer is one such session (IPv4 or IPv6), or two
 * on two clients (dual stack); a multiplexed bearer's clients are its own,
 * bound to its mux id first. */
#pragma once

#include "plugin-api.h"
#include "qmi-device.h"
#include "qmi-generated.h"

G_BEGIN_DECLS

enum { QMI_SESSION_IPV4 = 4, QMI_SESSION_IPV6 = 6 };

typedef struct {
  guint32 handle;
  MmdBearerIpMethod method;
  guint prefix;
  guint mtu;
  char *address;
  char *gateway;
  char *dns[2];
} QmiSession;

void qmi_session_free(QmiSession *session);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(QmiSession, qmi_session_free)

/* Starts a session of family (QMI_SESSION_IPV4/6) with the bearer's
 * settings. Errors: the modem's, with the call end reason; a 3GPP
 * authentication failure is MobileEquipment.GprsPdpAuthFailure. Without IP
 * settings from the modem the session is up with method DHCP. */
void qmi_session_start(QmiClient *client, const MmdBearerSettings *settings, guint8 family,
                       GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
QmiSession *qmi_session_start_finish(GAsyncResult *result, GError **error);

/* A session's IP settings from Get Current Settings of its family; out NULL
 * (the modem did not say) leaves the host to DHCP. */
void qmi_session_fill(QmiSession *session, guint8 family,
                      const QmiWdsGetCurrentSettingsOutput *out);

/* The IP configuration of a session, valid while it lives. */
void qmi_session_to_config(const QmiSession *session, MmdIpConfig *config);

/* Stops a session without waiting for the answer (0: none). */
void qmi_session_stop_quietly(QmiClient *client, guint32 handle);

G_END_DECLS
