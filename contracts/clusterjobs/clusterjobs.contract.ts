import {
    ActionData, Asset, Checksum256, Contract, EMPTY_NAME, InlineAction, Name, PermissionLevel, Singleton, Table,
    TableStore, check, currentTimeSec, hasAuth, isAccount, print, requireAuth, SAME_PAYER,
} from "proton-tsc"
import {
    BYTE_SECONDS_PER_GIB_HOUR, MICROSECONDS_PER_HOUR, ROLE_DISPATCHER, ROLE_STORAGE, ROLE_WORKER,
    addChecked, checkProtocolName,
} from "../common/names"
import { ProtocolView } from "../common/registry.view"
import { Dispatcher, Job, JobsConfig, ProtoStats, Record, StorageNode, Worker } from "./clusterjobs.tables"

/** Most records accepted in one `recordbatch` (keeps a batch well inside CPU limits). */
const MAX_BATCH: i32 = 200

/** Job states. 0-1 are live; 2-4 are final and cannot change. */
const JOB_SUBMITTED: u8 = 0
const JOB_RUNNING: u8 = 1
const JOB_COMPLETED: u8 = 2
const JOB_FAILED: u8 = 3
const JOB_CANCELLED: u8 = 4

/** One contribution record of a `recordbatch` (see README "Batch layout"). */
@packer
export class ContribRecord extends ActionData {
    constructor(
        public id: u64 = 0,
        public contributor: Name = EMPTY_NAME,
        public role: u8 = 0,
        public amount: u64 = 0,
        public job_id: u64 = 0,
    ) {
        super()
    }
}

/** Data of clusterreg::payout, sent inline. */
@packer
class RegPayout extends ActionData {
    constructor(
        public protocol: Name = EMPTY_NAME,
        public to: Name = EMPTY_NAME,
        public quantity: Asset = new Asset(),
        public memo: string = "",
    ) {
        super()
    }
}

/**
 * floor(unpaid × rate / divisor) with a 128-bit intermediate product, done by hand
 * (as-bignum's u128 crashes the proton-asc 0.18 compiler here). Fails if the result
 * does not fit an asset amount (2^62 - 1).
 */
export function owed(unpaid: u64, rate: i64, divisor: u64): i64 {
    if (unpaid == 0 || rate <= 0) return 0
    const b = <u64>rate
    const a0 = unpaid & 0xFFFFFFFF, a1 = unpaid >> 32
    const b0 = b & 0xFFFFFFFF, b1 = b >> 32
    const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1
    const mid = (p00 >> 32) + (p01 & 0xFFFFFFFF) + (p10 & 0xFFFFFFFF)
    const lo = (p00 & 0xFFFFFFFF) | (mid << 32)
    const hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32)
    // Binary long division; divisor < 2^63 so the remainder never overflows.
    let qhi: u64 = 0, qlo: u64 = 0, rem: u64 = 0
    for (let i = 127; i >= 0; i--) {
        const bit = i >= 64 ? (hi >> <u64>(i - 64)) & 1 : (lo >> <u64>i) & 1
        rem = (rem << 1) | bit
        if (rem >= divisor) {
            rem -= divisor
            if (i >= 64) qhi |= (<u64>1 << <u64>(i - 64))
            else qlo |= (<u64>1 << <u64>i)
        }
    }
    check(qhi == 0 && qlo < (<u64>1 << 62), "payout amount overflows an asset")
    return <i64>qlo
}

function roleName(role: u8): string {
    if (role == ROLE_WORKER) return "worker"
    if (role == ROLE_DISPATCHER) return "dispatcher"
    return "storage"
}

// Role tables share one layout; these generic helpers serve all three.
function register<T extends Table>(table: TableStore<T>, account: Name, payer: Name, role: string): void {
    check(!table.exists(account.N), account.toString() + " is already a registered " + role)
    const row = instantiate<T>()
    row.account = account
    row.registered_at = currentTimeSec()
    table.store(row, payer)
}

function unregister<T extends Table>(table: TableStore<T>, account: Name, role: string): void {
    const row = table.requireGet(account.N, account.toString() + " is not a registered " + role)
    check(row.unpaid == 0, account.toString() + " has unpaid contributions: pay them out first")
    table.remove(row)
}

function credit<T extends Table>(table: TableStore<T>, r: ContribRecord, now: u32): void {
    const row = table.get(r.contributor.N)
    check(row != null, "record " + r.id.toString() + ": " + r.contributor.toString() + " is not a registered " + roleName(r.role))
    row!.total = addChecked(row!.total, r.amount, "total")
    row!.unpaid = addChecked(row!.unpaid, r.amount, "unpaid")
    row!.records += 1
    row!.last_credit_at = now
    table.update(row!, SAME_PAYER)
}

/**
 * clusterjobs — contributors, job anchors and contribution records of each protocol
 * registered in clusterreg; pays contributors through clusterreg::payout, so this
 * account's active permission must include `<this account>@eosio.code`.
 */
@contract
export class ClusterJobsContract extends Contract {
    config: Singleton<JobsConfig> = new Singleton<JobsConfig>(this.receiver)
    statsTable: TableStore<ProtoStats> = new TableStore<ProtoStats>(this.receiver)

    /** Links this contract to the clusterreg account. Contract's own authority. */
    @action("conntoreg")
    conntoreg(registry: Name): void {
        requireAuth(this.receiver)
        check(isAccount(registry), "registry account does not exist")
        this.config.set(new JobsConfig(registry), this.receiver)
    }

    // ---- contributors ------------------------------------------------------

    /** Registers a worker. The worker itself (volunteers self-register) or the protocol owner. */
    @action("regworker")
    regworker(protocol: Name, worker: Name): void {
        const p = this.requireProtocol(protocol)
        const payer = this.signer2(worker, p.owner, "worker or protocol owner")
        check(isAccount(worker), "worker account does not exist")
        register<Worker>(new TableStore<Worker>(this.receiver, protocol), worker, payer, "worker")
    }

    /** Deregisters a worker with nothing unpaid. The worker itself or the protocol owner. */
    @action("delworker")
    delworker(protocol: Name, worker: Name): void {
        const p = this.requireProtocol(protocol)
        this.signer2(worker, p.owner, "worker or protocol owner")
        unregister<Worker>(new TableStore<Worker>(this.receiver, protocol), worker, "worker")
    }

    /** Registers a dispatcher (a team machine that may record contributions). Protocol owner. */
    @action("regdisptch")
    regdisptch(protocol: Name, dispatcher: Name): void {
        const p = this.requireProtocol(protocol)
        requireAuth(p.owner)
        check(isAccount(dispatcher), "dispatcher account does not exist")
        register<Dispatcher>(new TableStore<Dispatcher>(this.receiver, protocol), dispatcher, p.owner, "dispatcher")
    }

    /** Deregisters a dispatcher with nothing unpaid. The dispatcher itself or the protocol owner. */
    @action("deldisptch")
    deldisptch(protocol: Name, dispatcher: Name): void {
        const p = this.requireProtocol(protocol)
        this.signer2(dispatcher, p.owner, "dispatcher or protocol owner")
        unregister<Dispatcher>(new TableStore<Dispatcher>(this.receiver, protocol), dispatcher, "dispatcher")
    }

    /** Registers a storage actor (HDFS node). Protocol owner. */
    @action("regstorage")
    regstorage(protocol: Name, account: Name): void {
        const p = this.requireProtocol(protocol)
        requireAuth(p.owner)
        check(isAccount(account), "storage account does not exist")
        register<StorageNode>(new TableStore<StorageNode>(this.receiver, protocol), account, p.owner, "storage")
    }

    /** Deregisters a storage actor with nothing unpaid. The account itself or the protocol owner. */
    @action("delstorage")
    delstorage(protocol: Name, account: Name): void {
        const p = this.requireProtocol(protocol)
        this.signer2(account, p.owner, "storage or protocol owner")
        unregister<StorageNode>(new TableStore<StorageNode>(this.receiver, protocol), account, "storage")
    }

    // ---- contributions -----------------------------------------------------

    /**
     * Records a batch of contribution records, signed by a registered dispatcher of
     * the protocol. A record whose id was already recorded for this protocol (earlier,
     * or earlier in this batch) with the same content is skipped; with different
     * content the batch is rejected. A batch in which every record was skipped is
     * rejected with "batch already recorded", so a retried transaction never credits
     * twice and the sender learns that its batch is already on chain.
     */
    @action("recordbatch")
    recordbatch(dispatcher: Name, protocol: Name, records: ContribRecord[]): void {
        requireAuth(dispatcher)
        this.requireProtocol(protocol)
        const dispatchers = new TableStore<Dispatcher>(this.receiver, protocol)
        check(dispatchers.exists(dispatcher.N), "dispatcher " + dispatcher.toString() + " is not registered for protocol " + protocol.toString())
        check(records.length > 0, "batch is empty")
        check(records.length <= MAX_BATCH, "batch has more than " + MAX_BATCH.toString() + " records")

        const seen = new TableStore<Record>(this.receiver, protocol)
        const workers = new TableStore<Worker>(this.receiver, protocol)
        const storage = new TableStore<StorageNode>(this.receiver, protocol)
        const stats = this.statsOf(protocol)
        const now = currentTimeSec()
        let credited: u32 = 0
        let skipped: u32 = 0

        for (let i = 0; i < records.length; i++) {
            const r = records[i]
            const prior = seen.get(r.id)
            if (prior != null) {
                check(
                    prior.contributor == r.contributor && prior.role == r.role && prior.amount == r.amount && prior.job_id == r.job_id,
                    "record " + r.id.toString() + " conflicts with the record already stored under that id",
                )
                skipped++
                continue
            }
            check(r.amount > 0, "record " + r.id.toString() + " has a zero amount")
            check(r.role <= ROLE_STORAGE, "record " + r.id.toString() + " has an unknown role " + r.role.toString())
            if (r.role == ROLE_WORKER) {
                credit<Worker>(workers, r, now)
                stats.worker_unpaid = addChecked(stats.worker_unpaid, r.amount, "worker_unpaid")
            } else if (r.role == ROLE_DISPATCHER) {
                credit<Dispatcher>(dispatchers, r, now)
                stats.dispatcher_unpaid = addChecked(stats.dispatcher_unpaid, r.amount, "dispatcher_unpaid")
            } else {
                credit<StorageNode>(storage, r, now)
                stats.storage_unpaid = addChecked(stats.storage_unpaid, r.amount, "storage_unpaid")
            }
            seen.store(new Record(r.id, r.contributor, r.role, r.amount, r.job_id, dispatcher, now), dispatcher)
            credited++
        }
        check(credited > 0, "batch already recorded")
        stats.records += credited
        this.statsTable.set(stats, this.receiver)
        print("recordbatch: credited " + credited.toString() + ", skipped " + skipped.toString())
    }

    /**
     * Pays a contributor everything unpaid in the protocol, over all its roles, at the
     * protocol's current rates: per role floor(unpaid × rate / unit), where unit is
     * 3.6e9 µs (one hour) or 3600 × 2^30 byte-seconds (one GiB-hour). Unpaid resets to
     * zero; the fraction below the token's smallest unit is forfeited. Fails, changing
     * nothing, when the fund holds less than what is owed. Contributor or protocol owner.
     */
    @action("payout")
    payout(contributor: Name, protocol: Name): void {
        const p = this.requireProtocol(protocol)
        this.signer2(contributor, p.owner, "contributor or protocol owner")
        const stats = this.statsOf(protocol)
        const workers = new TableStore<Worker>(this.receiver, protocol)
        const dispatchers = new TableStore<Dispatcher>(this.receiver, protocol)
        const storage = new TableStore<StorageNode>(this.receiver, protocol)

        const w = workers.get(contributor.N)
        const d = dispatchers.get(contributor.N)
        const s = storage.get(contributor.N)
        check(w != null || d != null || s != null, contributor.toString() + " is not a contributor of protocol " + protocol.toString())

        let amount: i64 = 0
        let unpaid: u64 = 0
        if (w != null) {
            unpaid += w.unpaid
            amount += owed(w.unpaid, p.worker_rate.amount, MICROSECONDS_PER_HOUR)
            stats.worker_unpaid -= w.unpaid
            w.unpaid = 0
            workers.update(w, SAME_PAYER)
        }
        if (d != null) {
            unpaid += d.unpaid
            amount += owed(d.unpaid, p.dispatcher_rate.amount, MICROSECONDS_PER_HOUR)
            stats.dispatcher_unpaid -= d.unpaid
            d.unpaid = 0
            dispatchers.update(d, SAME_PAYER)
        }
        if (s != null) {
            unpaid += s.unpaid
            amount += owed(s.unpaid, p.storage_rate.amount, BYTE_SECONDS_PER_GIB_HOUR)
            stats.storage_unpaid -= s.unpaid
            s.unpaid = 0
            storage.update(s, SAME_PAYER)
        }
        check(unpaid > 0, "nothing unpaid for " + contributor.toString())
        check(amount >= 0 && amount < (<i64>1 << 62), "payout amount overflows an asset")
        const quantity = new Asset(amount, p.fund.symbol)
        check(amount <= p.fund.amount, "fund exhausted: fund holds " + p.fund.toString() + ", payout needs " + quantity.toString())
        this.statsTable.set(stats, this.receiver)
        if (amount > 0) {
            const action = new InlineAction<RegPayout>("payout")
            action.act(this.requireRegistry(), new PermissionLevel(this.receiver))
                .send(new RegPayout(protocol, contributor, quantity, "boid payout: protocol " + protocol.toString()))
        }
        print("payout: " + quantity.toString() + " to " + contributor.toString())
    }

    // ---- jobs --------------------------------------------------------------

    /**
     * Anchors a job: id (unique in the protocol, chosen by the dispatcher), the
     * researcher, the dispatcher running it (registered), the sha256 of the full job
     * record kept in storage, and its number of work units. Signed by that dispatcher,
     * the protocol's researcher or the protocol owner (the signer pays the RAM).
     */
    @action("newjob")
    newjob(protocol: Name, job_id: u64, researcher: Name, dispatcher: Name, content_hash: Checksum256, units: u32): void {
        const p = this.requireProtocol(protocol)
        let payer = EMPTY_NAME
        if (hasAuth(dispatcher)) payer = dispatcher
        else if (hasAuth(p.researcher)) payer = p.researcher
        else if (hasAuth(p.owner)) payer = p.owner
        check(payer != EMPTY_NAME, "missing authority of dispatcher, protocol researcher or protocol owner")
        check(isAccount(researcher), "researcher account does not exist")
        check(new TableStore<Dispatcher>(this.receiver, protocol).exists(dispatcher.N), "dispatcher " + dispatcher.toString() + " is not registered for protocol " + protocol.toString())
        check(units > 0, "a job has at least one unit")
        const jobs = new TableStore<Job>(this.receiver, protocol)
        check(!jobs.exists(job_id), "job " + job_id.toString() + " already exists")
        const now = currentTimeSec()
        jobs.store(new Job(job_id, researcher, dispatcher, content_hash, units, 0, JOB_SUBMITTED, now, now), payer)
        const stats = this.statsOf(protocol)
        stats.jobs += 1
        this.statsTable.set(stats, this.receiver)
    }

    /** Moves a live job to another registered dispatcher. Current dispatcher or protocol owner. */
    @action("updatedptch")
    updatedptch(protocol: Name, job_id: u64, dispatcher: Name): void {
        const p = this.requireProtocol(protocol)
        const jobs = new TableStore<Job>(this.receiver, protocol)
        const job = jobs.requireGet(job_id, "job not found")
        this.signer2(job.dispatcher, p.owner, "job dispatcher or protocol owner")
        check(job.state < JOB_COMPLETED, "job is finished")
        check(new TableStore<Dispatcher>(this.receiver, protocol).exists(dispatcher.N), "dispatcher " + dispatcher.toString() + " is not registered for protocol " + protocol.toString())
        job.dispatcher = dispatcher
        job.updated_at = currentTimeSec()
        jobs.update(job, SAME_PAYER)
    }

    /**
     * Updates a job's state, progress and content hash. Job dispatcher or protocol owner.
     * States: 0 submitted, 1 running, 2 completed, 3 failed, 4 cancelled; 2-4 are final,
     * a job never goes back to submitted, and units_done never decreases.
     */
    @action("setjobstate")
    setjobstate(protocol: Name, job_id: u64, state: u8, units_done: u32, content_hash: Checksum256): void {
        const p = this.requireProtocol(protocol)
        const jobs = new TableStore<Job>(this.receiver, protocol)
        const job = jobs.requireGet(job_id, "job not found")
        this.signer2(job.dispatcher, p.owner, "job dispatcher or protocol owner")
        check(state <= JOB_CANCELLED, "unknown job state " + state.toString())
        check(job.state < JOB_COMPLETED, "job is finished")
        check(state >= job.state, "job state cannot go back")
        check(units_done >= job.units_done, "units_done cannot decrease")
        check(units_done <= job.units, "units_done exceeds units")
        job.state = state
        job.units_done = units_done
        job.content_hash = content_hash
        job.updated_at = currentTimeSec()
        jobs.update(job, SAME_PAYER)
    }

    /** Removes a job anchor (frees its RAM). Job researcher, job dispatcher or protocol owner. */
    @action("removejob")
    removejob(protocol: Name, job_id: u64): void {
        const p = this.requireProtocol(protocol)
        const jobs = new TableStore<Job>(this.receiver, protocol)
        const job = jobs.requireGet(job_id, "job not found")
        check(hasAuth(job.researcher) || hasAuth(job.dispatcher) || hasAuth(p.owner), "missing authority of job researcher, job dispatcher or protocol owner")
        jobs.remove(job)
        const stats = this.statsOf(protocol)
        stats.jobs -= 1
        this.statsTable.set(stats, this.receiver)
    }

    // ---- helpers -----------------------------------------------------------

    private requireRegistry(): Name {
        const cfg = this.config.get()
        check(cfg.registry != EMPTY_NAME, "clusterjobs is not connected: run conntoreg")
        return cfg.registry
    }

    private requireProtocol(protocol: Name): ProtocolView {
        checkProtocolName(protocol)
        const table = new TableStore<ProtocolView>(this.requireRegistry())
        return table.requireGet(protocol.N, "protocol " + protocol.toString() + " not found in registry")
    }

    private statsOf(protocol: Name): ProtoStats {
        const row = this.statsTable.get(protocol.N)
        if (row != null) return row
        return new ProtoStats(protocol)
    }

    /** Requires the authority of `a` or `b`; returns the first one present (the RAM payer). */
    private signer2(a: Name, b: Name, who: string): Name {
        if (hasAuth(a)) return a
        check(hasAuth(b), "missing authority of " + who)
        return b
    }

}
