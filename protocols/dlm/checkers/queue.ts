// always 'dlm-queue': every grant at a master follows the queue rules of reference §1 (rules 1–8):
// a new request only with empty convert and wait queues, a queued request only at the head of the
// wait queue with the convert queue empty, a queued conversion only at the head of the convert
// queue — except EXPEDITE, NOORDER and the recovery grant; QUECVT only with an empty convert queue.
import type { WorldChecker } from '../../../sim/world.ts';
import { LKF } from '../flags.ts';
import { masterRsb } from './inspect.ts';
import { asDlm } from '../observations.ts';

export function queueChecker(): WorldChecker {
  return {
    name: 'dlm-queue',
    kind: 'always',
    description: 'Grants follow the queue discipline: conversions before new requests, head of queue, QUECVT, NOORDER, EXPEDITE.',
    observes: ['dlm-grant'],
    onObservation(obs, w) {
      const o = asDlm(obs);
      if (o?.kind !== 'dlm-grant') return;
      const d = o.data;
      const rsb = masterRsb(w, o.node, d.ls, d.res);
      if (rsb === undefined) return;
      const flags = d.flags;
      if ((flags & (LKF.EXPEDITE | LKF.NOORDER)) !== 0) return;
      const lkid = d.lkid;
      const where = `${d.ls}/${d.res} at master node ${o.node}`;
      const convertIds = rsb.convertQueue.map((l) => l.id);
      const waitIds = rsb.waitQueue.map((l) => l.id);
      switch (d.from) {
        case 'new':
          if (convertIds.length + waitIds.length > 0) w.violate(`new request ${lkid} granted on ${where} although conversions [${convertIds}] / waiters [${waitIds}] were queued`);
          return;
        case 'wait':
          if (convertIds.length > 0) w.violate(`queued request ${lkid} granted on ${where} before queued conversions [${convertIds}]`);
          else if (waitIds[0] !== lkid) w.violate(`queued request ${lkid} granted on ${where} out of order: wait queue is [${waitIds}]`);
          return;
        case 'convert':
          if (!d.recovery && convertIds[0] !== lkid) w.violate(`queued conversion ${lkid} granted on ${where} out of order: convert queue is [${convertIds}]`);
          return;
        case 'convert-now':
          if ((flags & LKF.QUECVT) !== 0 && convertIds.length > 0) w.violate(`QUECVT conversion ${lkid} granted at once on ${where} although conversions [${convertIds}] were queued`);
          return;
      }
    },
  };
}
