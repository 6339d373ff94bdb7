"""The committed data contract document matches the code's contracts."""
from spotlight.contract_docs import DATA_CONTRACT_PATH, render_data_contract


def test_data_contract_doc_is_generated_from_the_contracts():
    assert DATA_CONTRACT_PATH.read_text() == render_data_contract(), "run `spotlight docs` and commit the result"


def test_every_contract_column_is_documented():
    import extract.contracts, metrics.contracts, normalise.contracts

    text = DATA_CONTRACT_PATH.read_text()
    for module in (extract.contracts, normalise.contracts, metrics.contracts):
        for contract in module.CONTRACTS:
            assert f"### `{contract.name}`" in text
            for column in contract.columns:
                assert f"| `{column.name}` |" in text, f"{contract.name}.{column.name} undocumented"
