import { InitialSchema1764000000000 } from './1764000000000-initial-schema.js';
import { BenchIndexes1764000002000 } from './1764000002000-bench-indexes.js';
import { OutboxNotifyTrigger1764000003000 } from './1764000003000-outbox-notify-trigger.js';
import { Reliability1764000004000 } from './1764000004000-reliability.js';
import { TaskDueByHand1764000006000 } from './1764000006000-task-due-by-hand.js';
import { AgencyDeliveryHours1764000007000 } from './1764000007000-agency-delivery-hours.js';
import { Identity1764000005000 } from './1764000005000-identity.js';
import { InformationGovernance1764000015000 } from './1764000015000-information-governance.js';
import { ListIndexes1764000016300 } from './1764000016300-list-indexes.js';
import { AuditListReads1764000016500 } from './1764000016500-audit-list-reads.js';
import { ActivePathwayIndex1764000016800 } from './1764000016800-active-pathway-index.js';

/** Every migration, in order. Add new ones at the end; never edit one that has shipped. */
export const MIGRATIONS = [InitialSchema1764000000000, BenchIndexes1764000002000, OutboxNotifyTrigger1764000003000, Reliability1764000004000, TaskDueByHand1764000006000, AgencyDeliveryHours1764000007000, Identity1764000005000, InformationGovernance1764000015000, ListIndexes1764000016300, AuditListReads1764000016500, ActivePathwayIndex1764000016800];
