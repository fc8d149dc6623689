// Cross-check helper for Boid.Eosio's tests (test infrastructure, not product code).
// Reads a request JSON file, answers with what @wharfkit/antelope — an independent Antelope
// implementation — computes for it, and writes the answer JSON file:
//   node vectors.js <request.json> <answer.json>
// Request members (all optional):
//   abi                 ABI JSON used by `encode`, `decode` and `actions`
//   encode:  [{type, value}]                 -> encoded: [hex]
//   decode:  [{type, hex}]                   -> decoded: [json]
//   actions: [{account, name, authorization, data}]      -> actionHex: [hex]
//   transactions: [{transaction, chainId}]   (action data as hex) -> transactionsOut: [{hex, id, digest}]
//   privateKeys: [text]                      -> privateKeysOut: [{pvt, wif, pub, legacy}]
//   publicKeys: [text]                       -> publicKeysOut: [{pub, legacy}]
//   recover: [{digest, signature}]           -> recovered: [{pub, verified}]
//   sign: [{key, digest}]                    -> signed: [signature]
'use strict';
const fs = require('fs');
const {
    ABI, Action, PrivateKey, PublicKey, Serializer, Signature, Transaction, Checksum256,
} = require('@wharfkit/antelope');

const [, , requestPath, answerPath] = process.argv;
if (!requestPath || !answerPath) {
    console.error('usage: node vectors.js <request.json> <answer.json>');
    process.exit(2);
}

const request = JSON.parse(fs.readFileSync(requestPath, 'utf8'));
const abi = request.abi ? ABI.from(request.abi) : undefined;
const answer = {};

function attempt(fn) {
    try {
        return fn();
    } catch (e) {
        return { error: String(e && e.message ? e.message : e) };
    }
}

answer.encoded = (request.encode || []).map((item) =>
    attempt(() => Serializer.encode({ object: item.value, type: item.type, abi }).hexString));

answer.decoded = (request.decode || []).map((item) =>
    attempt(() => Serializer.objectify(Serializer.decode({ data: item.hex, type: item.type, abi }))));

answer.actionHex = (request.actions || []).map((item) =>
    attempt(() => Serializer.encode({ object: Action.from(item, abi) }).hexString));

answer.transactionsOut = (request.transactions || []).map((item) =>
    attempt(() => {
        const trx = Transaction.from(item.transaction);
        return {
            hex: Serializer.encode({ object: trx }).hexString,
            id: trx.id.hexString,
            digest: trx.signingDigest(Checksum256.from(item.chainId)).hexString,
        };
    }));

answer.privateKeysOut = (request.privateKeys || []).map((text) =>
    attempt(() => {
        const key = PrivateKey.from(text);
        return {
            pvt: key.toString(),
            wif: key.toWif(),
            pub: key.toPublic().toString(),
            legacy: key.toPublic().toLegacyString(),
        };
    }));

answer.publicKeysOut = (request.publicKeys || []).map((text) =>
    attempt(() => {
        const key = PublicKey.from(text);
        return { pub: key.toString(), legacy: key.toLegacyString() };
    }));

answer.recovered = (request.recover || []).map((item) =>
    attempt(() => {
        const sig = Signature.from(item.signature);
        const digest = Checksum256.from(item.digest);
        const pub = sig.recoverDigest(digest);
        return { pub: pub.toString(), verified: sig.verifyDigest(digest, pub) };
    }));

answer.signed = (request.sign || []).map((item) =>
    attempt(() => PrivateKey.from(item.key).signDigest(Checksum256.from(item.digest)).toString()));

fs.writeFileSync(answerPath, JSON.stringify(answer, null, 2));
