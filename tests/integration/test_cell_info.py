#!/usr/bin/python3
"""Modem.GetCellInfo: the serving and neighbouring cells with the keys of
the reference (cell-type, serving, operator-id, tac, ci, physical-ci,
earfcn, rsrp, rsrq, timing-advance), from QMI NAS Get Cell Location Info
and from AT where the modem offers a cell report.

Needs root (exits 77 otherwise)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness as h  # noqa: E402
import modems  # noqa: E402

CELL_TYPE_LTE = 5


class CellInfo:
    protocol = None

    def cells(self):
        return self.call(self.modem, h.MODEM_IFACE, 'GetCellInfo', reply_type='(aa{sv})')[0]

    def test_serving_cell_first_then_neighbours(self):
        modems.start_registered(self, self.protocol)
        cells = self.cells()
        serving = cells[0]
        self.assertEqual(serving['cell-type'], CELL_TYPE_LTE)
        self.assertTrue(serving['serving'])
        self.assertEqual(serving['operator-id'], '26201')
        self.assertEqual(serving['tac'], '1234')
        self.assertEqual(serving['ci'], '1A2B3C4')
        self.assertEqual(serving['earfcn'], 1300)
        self.assertEqual(serving['rsrp'], -95.0)
        self.assertEqual(serving['rsrq'], -10.0)
        self.assertEqual(serving['physical-ci'], '65')
        neighbours = cells[1:]
        self.assertTrue(neighbours)
        for cell in neighbours:
            self.assertFalse(cell['serving'])
            self.assertEqual(cell['cell-type'], CELL_TYPE_LTE)
            self.assertLess(cell['rsrp'], serving['rsrp'])
            self.assertIn('physical-ci', cell)

    def test_follows_the_cell(self):
        modems.start_registered(self, self.protocol)
        self.sim.control.send('cell 262 03 11111 2222222')
        h.wait_until(lambda: self.cells()[0].get('ci') == '21E88E', what='the new cell')
        serving = self.cells()[0]
        self.assertEqual(serving['operator-id'], '26203')
        self.assertEqual(serving['tac'], '2B67')

    def test_disabled_modem(self):
        modems.start(self, self.protocol)
        self.wait_state(h.DISABLED)
        self.assertDBusError(h.ERROR_PREFIX + 'Core.WrongState', self.modem, h.MODEM_IFACE,
                             'GetCellInfo')


class QmiCellInfoTest(CellInfo, h.ModemTestCase):
    protocol = 'qmi'

    def test_other_carriers(self):
        modems.start_registered(self, self.protocol)
        earfcns = {c['earfcn'] for c in self.cells()}
        self.assertEqual(earfcns, {1300, 6300})


if __name__ == '__main__':
    h.main()
