/* The Quectel plugin's backend of the module's AT port (quectel-backend.c),
 * its modes and bands (quectel-modes.c), and the plugin entry
 * (quectel-plugin.c). Private to the plugin. */
#pragma once

#include "at-channel.h"
#include "plugin-api.h"

G_BEGIN_DECLS

#define MMD_TYPE_QUECTEL_BACKEND (mmd_quectel_backend_get_type())
G_DECLARE_FINAL_TYPE(MmdQuectelBackend, mmd_quectel_backend, MMD, QUECTEL_BACKEND, MmdBackend)

struct _MmdQuectelBackend {
  MmdBackend parent;
  char *at_path;
  char *at_name;
  MmdAtChannel *ch;
  GCancellable *cancellable; /* background reads; cancelled on shutdown */
  guint supported_modes;
  GArray *lte_supported; /* band numbers */
  GArray *nr_supported;
  gboolean nsa_bands;  /* the module keeps NSA NR bands apart (nsa_nr5g_band) */
  guint preferred;     /* the mode we put first in the acquisition order */
  MmdBackend *primary; /* weak: the modem owns both */
  void (*leave_modes)(MmdBackend *primary);
  gboolean ready; /* AT+QNWPREFCFG answered: our operations are provided */
};

/* A backend on the module's AT port, to be added to modem; it tells the
 * primary backend when it takes the modes over (leave_modes, may be NULL). */
MmdBackend *mmd_quectel_backend_new(MmdModem *modem, const MmdPort *at_port, MmdBackend *primary,
                                    void (*leave_modes)(MmdBackend *primary));

/* Commands run one after the other for an operation, then the settings are
 * read back (quectel-backend.c). */
GTask *quectel_task_new(MmdQuectelBackend *self, GCancellable *cancellable,
                        GAsyncReadyCallback callback, gpointer user_data);
/* Queues a command (taken) of the operation. */
void quectel_task_add(GTask *task, char *cmd);
/* Runs the queued commands; when all succeeded, reads the modes and bands
 * back, reports them and completes task. The first error completes it. */
void quectel_task_run(GTask *task);
/* Runs the queued commands and completes task, without reading back. */
void quectel_task_run_only(GTask *task);

/* quectel-modes.c: the operations */
void quectel_set_current_modes(MmdBackend *backend, guint allowed, guint preferred,
                               GCancellable *cancellable, GAsyncReadyCallback callback,
                               gpointer user_data);
void quectel_set_current_bands(MmdBackend *backend, const guint *bands, gsize n_bands,
                               GCancellable *cancellable, GAsyncReadyCallback callback,
                               gpointer user_data);
void quectel_reset(MmdBackend *backend, GCancellable *cancellable, GAsyncReadyCallback callback,
                   gpointer user_data);
/* What AT+QNWPREFCFG="policy_band" answered: supported modes and bands. */
gboolean quectel_take_policy(MmdQuectelBackend *self, const char *response);
/* SupportedModes: every combination, each mode of it preferred in turn. */
void quectel_report_supported(MmdQuectelBackend *self);

G_END_DECLS
