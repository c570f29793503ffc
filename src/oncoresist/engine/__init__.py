"""oncoresist.engine"""
