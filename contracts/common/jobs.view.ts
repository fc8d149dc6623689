import { EMPTY_NAME, Name, Table } from "proton-tsc"

/**
 * Read-only view of clusterjobs' `protostats` table, for clusterreg (delprotocol
 * refuses while any of the unpaid sums is non-zero).
 * Must stay field-for-field identical to clusterjobs/clusterjobs.tables.ts.
 */
@table("protostats", noabigen)
export class ProtoStatsView extends Table {
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
