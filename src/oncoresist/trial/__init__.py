"""oncoresist.trial"""
