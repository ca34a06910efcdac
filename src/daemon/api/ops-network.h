/* The 3GPP network capability: registration, scans, modes and bands.
 * Conventions as in ops-modem.h. */
#pragma once

#include "backend.h"

G_BEGIN_DECLS

typedef struct {
  /* Register with operator_id ("" = automatic). Result: boolean. */
  void (*register_network)(MmdBackend *self, const char *operator_id, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data);
  /* Result: pointer, a GVariant of type aa{sv} with the keys of
   * Modem3gpp.Scan (build it with mmd_scan_result_add()); the core unrefs it. */
  void (*scan)(MmdBackend *self, GCancellable *cancellable, GAsyncReadyCallback callback,
               gpointer user_data);
  /* Results: boolean; the backend reports the new values with the setters. */
  void (*set_current_modes)(MmdBackend *self, guint allowed, guint preferred,
                            GCancellable *cancellable, GAsyncReadyCallback callback,
                            gpointer user_data);
  void (*set_current_bands)(MmdBackend *self, const guint *bands, gsize n_bands,
                            GCancellable *cancellable, GAsyncReadyCallback callback,
                            gpointer user_data);
  /* The serving and neighbouring cells. Result: pointer, a GVariant aa{sv}
   * with the keys of Modem.GetCellInfo ("cell-type" u, "serving" b, and per
   * technology "ci", "tac", "pci", "earfcn", "rsrp", ...). */
  void (*get_cell_info)(MmdBackend *self, GCancellable *cancellable, GAsyncReadyCallback callback,
                        gpointer user_data);
} MmdNetworkOps;

void mmd_modem_provide_network(MmdModem *modem, const MmdNetworkOps *ops, MmdBackend *backend);

/* Registration as the modem reports it; the core derives the modem state. */
void mmd_modem_set_registration(MmdModem *self, MmdModem3gppRegistrationState state,
                                const char *operator_code, const char *operator_name,
                                guint access_technologies);
void mmd_modem_set_packet_service_state(MmdModem *self, MmdModem3gppPacketServiceState state);
/* MmdModem3gppFacility mask of the locks enabled on the card. */
void mmd_modem_set_facility_locks(MmdModem *self, guint facilities);

/* Modes: pairs of (allowed mask, preferred); n_pairs entries. */
void mmd_modem_set_supported_modes(MmdModem *self, const guint (*pairs)[2], gsize n_pairs);
void mmd_modem_set_current_modes(MmdModem *self, guint allowed, guint preferred);
void mmd_modem_set_supported_bands(MmdModem *self, const guint *bands, gsize n_bands);
void mmd_modem_set_current_bands(MmdModem *self, const guint *bands, gsize n_bands);

G_END_DECLS
