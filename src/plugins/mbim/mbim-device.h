/* An MBIM device: one control port (/dev/cdc-wdmN, /dev/wwanNmbimN, or a
 * pty in tests), the OPEN/CLOSE handshake, transaction ids, fragmentation,
 * matching of responses and dispatch of indications. No D-Bus here. */
#pragma once

#include <gio/gio.h>

#include "mbim-buffer.h"
#include "mbim-fragment.h"
#include "mbim-message.h"

G_BEGIN_DECLS

#define MBIM_TYPE_DEVICE (mbim_device_get_type())
G_DECLARE_FINAL_TYPE(MbimDevice, mbim_device, MBIM, DEVICE, GObject)

/* Signals:
 *   "indication" (const MbimNotification *notification): an
 *       INDICATE_STATUS, decoded when its CID is known (mbim-generated.h),
 *       else with id MBIM_NOTIFICATION_NONE and its raw buffer;
 *   "gone" (const char *why): the port hung up or failed, or the function
 *       sent nothing but garbage for too long; the device is closed and
 *       pending requests have failed. */

MbimDevice *mbim_device_new(const char *path);
const char *mbim_device_get_path(MbimDevice *self);

/* Opens the port and performs OPEN (retried once on silence). */
void mbim_device_open(MbimDevice *self, guint timeout_s, GCancellable *cancellable,
                      GAsyncReadyCallback callback, gpointer user_data);
gboolean mbim_device_open_finish(MbimDevice *self, GAsyncResult *res, GError **error);
/* Sends CLOSE (not waited for) and closes the port. Pending requests fail
 * with MMD_SERIAL_ERROR_NOT_OPEN. Idempotent. */
void mbim_device_close(MbimDevice *self);
/* Close without CLOSE: a function may end its data sessions on CLOSE, and a
 * session the daemon leaves up on stop is for the next run to take over. */
void mbim_device_keep_sessions_on_close(MbimDevice *self);
guint32 mbim_device_get_max_control_transfer(MbimDevice *self);
/* The largest control message the function takes (e.g. from its USB
 * descriptors) when the port cannot tell; messages are split to fit. */
void mbim_device_set_max_control_transfer(MbimDevice *self, guint32 max);

/* Sends a command with an information buffer (NULL: empty) and completes
 * with the response's buffer. The typed mbim_command_<cid>_<type>()
 * functions of mbim-generated.h wrap this. Errors:
 * MMD_SERIAL_ERROR_RESPONSE_TIMEOUT, MMD_SERIAL_ERROR_NOT_OPEN, FUNCTION_ERROR
 * as MBIM_PROTOCOL_ERROR, a status other than success as MBIM_STATUS_ERROR
 * with the status as code (the buffer that came with it, if any, is still
 * returned through status_buffer). */
void mbim_device_command(MbimDevice *self, const guint8 *service, guint32 cid, MbimCommandType type,
                         GBytes *buffer, guint timeout_s, GCancellable *cancellable,
                         GAsyncReadyCallback callback, gpointer user_data);
GBytes *mbim_device_command_finish(MbimDevice *self, GAsyncResult *res, GBytes **status_buffer,
                                   GError **error);
/* The same, decoded with decode. An empty buffer on success stands for a
 * fixed part of fixed_size zero bytes (all numbers 0, strings "", arrays
 * empty). On a status error, *status_info (if wanted) is the buffer that came
 * with it, decoded, or NULL. */
gpointer mbim_device_command_finish_decoded(MbimDevice *self, GAsyncResult *res,
                                            MbimDecodeFunc decode, gsize fixed_size,
                                            gpointer *status_info, GError **error);

#define MBIM_STATUS_ERROR (mbim_status_error_quark())
GQuark mbim_status_error_quark(void);

G_END_DECLS
