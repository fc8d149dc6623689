import { Checksum256, EMPTY_NAME, Name, Table } from "proton-tsc"

// Contributors: one table per role, scope = protocol, primary key = account.
// Amounts are µs of time for workers and dispatchers, byte-seconds for storage.

@table("workers")
export class Worker extends Table {
    constructor(
        public account: Name = EMPTY_NAME,
        public total: u64 = 0,
        public unpaid: u64 = 0,
        public records: u64 = 0,
        public registered_at: u32 = 0,
        public last_credit_at: u32 = 0,
    ) {
        super()
    }

    @primary
    get primary(): u64 {
        return this.account.N
    }
}

@table("dispatchers")
export class Dispatcher extends Table {
    constructor(
        public account: Name = EMPTY_NAME,
        public total: u64 = 0,
        public unpaid: u64 = 0,
        public records: u64 = 0,
        public registered_at: u32 = 0,
        public last_credit_at: u32 = 0,
    ) {
        super()
    }

    @primary
    get primary(): u64 {
        return this.account.N
    }
}

@table("storage")
export class StorageNode extends Table {
    constructor(
        public account: Name = EMPTY_NAME,
        public total: u64 = 0,
        public unpaid: u64 = 0,
        public records: u64 = 0,
        public registered_at: u32 = 0,
        public last_credit_at: u32 = 0,
    ) {
        super()
    }

    @primary
    get primary(): u64 {
        return this.account.N
    }
}

/**
 * Every contribution record ever credited (its id is the replay guard);
 * scope = protocol, primary key = record id.
 */
@table("records")
export class Record extends Table {
    constructor(
        public id: u64 = 0,
        public contributor: Name = EMPTY_NAME,
        public role: u8 = 0,
        public amount: u64 = 0,
        public job_id: u64 = 0,
        public dispatcher: Name = EMPTY_NAME,
        public recorded_at: u32 = 0,
    ) {
        super()
    }

    @primary
    get primary(): u64 {
        return this.id
    }
}

/** Job anchors; scope = protocol, primary key = job id (chosen by the dispatcher). */
@table("jobs")
export class Job extends Table {
    constructor(
        public id: u64 = 0,
        public researcher: Name = EMPTY_NAME,
        public dispatcher: Name = EMPTY_NAME,
        public content_hash: Checksum256 = new Checksum256(),
        public units: u32 = 0,
        public units_done: u32 = 0,
        public state: u8 = 0,
        public created_at: u32 = 0,
        public updated_at: u32 = 0,
    ) {
        super()
    }

    @primary
    get primary(): u64 {
        return this.id
    }
}

/**
 * Per-protocol sums; scope = clusterjobs, primary key = protocol.
 * Keep in step with common/jobs.view.ts (clusterreg reads this table).
 */
@table("protostats")
export class ProtoStats extends Table {
    constructor(
        public protocol: Name = EMPTY_NAME,
        public worker_unpaid: u64 = 0,
        public dispatcher_unpaid: u64 = 0,
        public storage_unpaid: u64 = 0,
        public records: u64 = 0,
        public jobs: u64 = 0,
    ) {
        super()
    }

    @primary
    get primary(): u64 {
        return this.protocol.N
    }
}

/** clusterjobs configuration: the clusterreg account (set by `conntoreg`). */
@table("config", singleton)
export class JobsConfig extends Table {
    constructor(
        public registry: Name = EMPTY_NAME,
    ) {
        super()
    }
}
