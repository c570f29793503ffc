"""oncoresist.report"""
