"""oncoresist.strategy"""
