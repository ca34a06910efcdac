/* What a plugin implements: the operations of one modem.
 *
 * The core (modem.c) owns the state machine and the D-Bus objects; a backend
 * only speaks the protocol. Every operation is asynchronous and completes a
 * GTask (created with the backend as source object) whose result type is noted
 * below; the core reads it with g_task_propagate_*(). A backend reports what
 * it learns through the core setters of modem.h and bearer.h, never by touching
 * D-Bus objects. Errors must be in the MMD_*_ERROR domains (mmd-errors.h),
 * e.g. MobileEquipment.IncorrectPassword for a wrong PIN; anything else is
 * reported as Core.Failed.
 *
 * Strings given to an operation have been validated by the core
 * (mmd-validate.h). A backend that does not implement an operation leaves its
 * pointer NULL and the core answers Core.Unsupported. */
#pragma once

#include <gio/gio.h>

#include "mmd-enums.h"

G_BEGIN_DECLS

typedef struct _MmdModem MmdModem;
typedef struct _MmdBearer MmdBearer;

#define MMD_TYPE_BACKEND (mmd_backend_get_type())
G_DECLARE_DERIVABLE_TYPE(MmdBackend, mmd_backend, MMD, BACKEND, GObject)

typedef void (*MmdBackendOp)(MmdBackend *self, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data);

struct _MmdBackendClass {
  GObjectClass parent_class;

  /* Open the ports, learn identity, capabilities, SIM and lock state, and
   * report them with the setters. Result: boolean. */
  MmdBackendOp initialize;

  /* SIM. Results: boolean. On a wrong code the backend updates
   * mmd_modem_set_unlock_retries() before failing. */
  void (*send_pin)(MmdBackend *self, const char *pin, GCancellable *cancellable,
                   GAsyncReadyCallback callback, gpointer user_data);
  void (*send_puk)(MmdBackend *self, const char *puk, const char *new_pin,
                   GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
  void (*enable_pin)(MmdBackend *self, const char *pin, gboolean enabled, GCancellable *cancellable,
                     GAsyncReadyCallback callback, gpointer user_data);
  void (*change_pin)(MmdBackend *self, const char *old_pin, const char *new_pin,
                     GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);

  /* Radio on and start following registration (reporting it with
   * mmd_modem_set_registration()), or radio off. Result: boolean. */
  void (*set_radio)(MmdBackend *self, gboolean on, GCancellable *cancellable,
                    GAsyncReadyCallback callback, gpointer user_data);
  /* Low-power or full power. Result: boolean. */
  void (*set_power_state)(MmdBackend *self, MmdModemPowerState state, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data);

  /* Register with operator_id ("" = automatic). Result: boolean. */
  void (*register_network)(MmdBackend *self, const char *operator_id, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data);
  /* Result: pointer, a floating-free GVariant of type aa{sv} with the keys of
   * Modem3gpp.Scan ("status", "operator-long", "operator-short",
   * "operator-code", "access-technology"); free with g_variant_unref. */
  MmdBackendOp scan;

  /* Results: boolean. The backend reports the new values with the setters. */
  void (*set_current_modes)(MmdBackend *self, guint allowed, guint preferred,
                            GCancellable *cancellable, GAsyncReadyCallback callback,
                            gpointer user_data);
  void (*set_current_bands)(MmdBackend *self, const guint *bands, gsize n_bands,
                            GCancellable *cancellable, GAsyncReadyCallback callback,
                            gpointer user_data);

  /* Read signal quality and the extended values, report them with
   * mmd_modem_set_signal_quality() / mmd_modem_set_signal_values().
   * Result: boolean. */
  MmdBackendOp refresh_signal;

  /* Bring a data session up with mmd_bearer_get_settings(bearer). On success
   * the backend has called mmd_bearer_set_connected() with the interface and
   * IP configuration. Result: boolean. When the network later drops the
   * session, the backend calls mmd_bearer_report_disconnected(). */
  void (*connect)(MmdBackend *self, MmdBearer *bearer, GCancellable *cancellable,
                  GAsyncReadyCallback callback, gpointer user_data);
  void (*disconnect)(MmdBackend *self, MmdBearer *bearer, GCancellable *cancellable,
                     GAsyncReadyCallback callback, gpointer user_data);

  /* Result: boolean. */
  MmdBackendOp reset;
  /* Result: pointer, a newly allocated string (the modem's answer). */
  void (*command)(MmdBackend *self, const char *cmd, guint timeout_s, GCancellable *cancellable,
                  GAsyncReadyCallback callback, gpointer user_data);

  /* Release ports synchronously; the modem is going away. Optional. */
  void (*shutdown)(MmdBackend *self);
};

/* A plugin creates its backend with g_object_new(TYPE, "modem", modem, NULL):
 * "modem" is a construct-only property of MmdBackend. */

/* The core modem this backend drives (weak: the modem owns the backend). */
MmdModem *mmd_backend_get_modem(MmdBackend *self);

G_END_DECLS
