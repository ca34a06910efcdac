"""The modemd D-Bus API as the tests see it: names, and the modem states and
locks they compare against."""

BUS_NAME = 'org.example.Modem1'
MANAGER_PATH = '/org/example/Modem1'
MANAGER_IFACE = 'org.example.Modem1'
MODEM_IFACE = 'org.example.Modem1.Modem'
MODEM_3GPP_IFACE = 'org.example.Modem1.Modem.Modem3gpp'
MODEM_SIMPLE_IFACE = 'org.example.Modem1.Modem.Simple'
MODEM_SIGNAL_IFACE = 'org.example.Modem1.Modem.Signal'
SIM_IFACE = 'org.example.Modem1.Sim'
BEARER_IFACE = 'org.example.Modem1.Bearer'
ERROR_PREFIX = 'org.example.Modem1.Error.'


# Modem states and locks tests compare against (MMModemState / MMModemLock).
LOCKED, DISABLED, ENABLING, ENABLED, SEARCHING, REGISTERED = 2, 3, 5, 6, 7, 8
CONNECTING, CONNECTED = 10, 11
LOCK_NONE, LOCK_SIM_PIN, LOCK_SIM_PUK = 1, 2, 4
