import { Asset, EMPTY_NAME, Name, Table } from "proton-tsc"

/**
 * Read-only view of clusterreg's `protocols` table, for clusterjobs.
 * Must stay field-for-field identical to clusterreg/clusterreg.tables.ts.
 */
@table("protocols", noabigen)
export class ProtocolView extends Table {
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
