import { Asset, EMPTY_NAME, Name, Table } from "proton-tsc"

/** Balance of one holder for one symbol; scope = holder. Same layout as eosio.token. */
@table("accounts")
export class Account extends Table {
    constructor(
        public balance: Asset = new Asset(),
    ) {
        super()
    }

    @primary
    get primary(): u64 {
        return this.balance.symbol.code()
    }
}

/** Supply of one symbol; scope = symbol code. Same layout as eosio.token. */
@table("stat")
export class Stat extends Table {
    constructor(
        public supply: Asset = new Asset(),
        public max_supply: Asset = new Asset(),
        public issuer: Name = EMPTY_NAME,
    ) {
        super()
    }

    @primary
    get primary(): u64 {
        return this.supply.symbol.code()
    }
}
