package dev.nagare.adapter;

class MemoryAdapterTest extends AdapterContractTest {
    @Override
    protected Adapter create(AdapterHandler handler) {
        return new MemoryAdapter(handler);
    }
}
