"""oncoresist.monitor"""
