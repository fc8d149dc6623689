import { ActionData, Asset, EMPTY_NAME, InlineAction, Name, PermissionLevel } from "proton-tsc"

/** Data of an eosio.token-compatible `transfer` action. */
@packer
export class TransferData extends ActionData {
    constructor(
        public from: Name = EMPTY_NAME,
        public to: Name = EMPTY_NAME,
        public quantity: Asset = new Asset(),
        public memo: string = "",
    ) {
        super()
    }
}

/** Sends `tokenContract::transfer` inline, authorized by `from@active` (needs from@eosio.code). */
export function sendTransfer(tokenContract: Name, from: Name, to: Name, quantity: Asset, memo: string): void {
    const transfer = new InlineAction<TransferData>("transfer")
    transfer.act(tokenContract, new PermissionLevel(from)).send(new TransferData(from, to, quantity, memo))
}

import { Table } from "proton-tsc"

/** Read-only view of an eosio.token-compatible `stat` table (scope = symbol code). */
@table("stat", noabigen)
export class TokenStatView extends Table {
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
