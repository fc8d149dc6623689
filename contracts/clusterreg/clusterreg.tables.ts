import { Asset, EMPTY_NAME, Name, Table } from "proton-tsc"

/**
 * One research protocol; scope = clusterreg, primary key = protocol name.
 * Keep in step with common/registry.view.ts (clusterjobs reads this table).
 *
 * Rates are assets in the fund's token: amount in the token's smallest unit per
 * hour of worker/dispatcher time, per GiB-hour of storage.
 */
@table("protocols")
export class Protocol extends Table {
    constructor(
        public protocol: Name = EMPTY_NAME,
        public title: string = "",
        public owner: Name = EMPTY_NAME,
        public researcher: Name = EMPTY_NAME,
        public data_dir: string = "",
        public fund_account: Name = EMPTY_NAME,
        public token_contract: Name = EMPTY_NAME,
        public fund: Asset = new Asset(),
        public funded: Asset = new Asset(),
        public paid: Asset = new Asset(),
        public worker_rate: Asset = new Asset(),
        public dispatcher_rate: Asset = new Asset(),
        public storage_rate: Asset = new Asset(),
    ) {
        super()
    }

    @primary
    get primary(): u64 {
        return this.protocol.N
    }
}

/** Registry configuration: the clusterjobs account allowed to call `payout`. */
@table("config", singleton)
export class RegConfig extends Table {
    constructor(
        public jobs_contract: Name = EMPTY_NAME,
    ) {
        super()
    }
}
